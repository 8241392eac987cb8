-- wrk script: GET /product/<random id in 1..10000>
math.randomseed(42)
request = function()
  return wrk.format("GET", "/product/" .. math.random(1, 10000))
end
