-- wrk script: GET <prefix><random id in 1..10000>; the prefix is the script's
-- argument (`wrk ... -- /no-read/`), /product/ without one
math.randomseed(42)
local prefix = "/product/"
function init(args)
  prefix = args[1] or prefix
end
request = function()
  return wrk.format("GET", prefix .. math.random(1, 10000))
end
