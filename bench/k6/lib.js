// What every scenario shares: the target, the load shape, the thresholds and the
// shop's requests (one function per step a shopper takes).
//
// Environment (all optional):
//   BASE_URL        the shop, default http://127.0.0.1:3000
//   MODE            "rate" (default): a fixed arrival rate of RATE iterations/s;
//                   "saturate": VUS virtual users looping without think time
//   RATE            iterations per second in "rate" mode (default per scenario)
//   DURATION        how long, e.g. 20s or 1m (default 30s)
//   VUS             virtual users in "saturate" mode (default 32); in "rate" mode
//                   the most k6 may start to keep the rate (default 64)
//   THINK           multiplier on think time (default 1; 0 disables it)
//   MAX_ERROR_RATE  failed requests and checks allowed (default 0.01; 0 = none)
//   P95_MS, P99_MS  latency thresholds in ms (defaults per scenario)
//   P99_SIGN_UP_MS  p99 threshold in ms for sign-ups, in scenarios that sign up
//   PAGES           listing pages read in setup to learn slugs (default 3 × 100)

import http from 'k6/http';
import { check, fail, sleep } from 'k6';
import { Counter } from 'k6/metrics';

export const BASE = (__ENV.BASE_URL || 'http://127.0.0.1:3000').replace(/\/$/, '');
const JSON_HEADERS = { 'Content-Type': 'application/json' };
const SEARCH_WORDS = ['shirt', 'hood', 'jacket', 'shoe', 'lamp', 'mug', 'tent', 'bottle', 'journal', 'cook', 'summit', 'meadow'];
const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc'];
const SIZES = ['S', 'M', 'L', 'XL'];

const num = (name, fallback) => (__ENV[name] === undefined || __ENV[name] === '' ? fallback : Number(__ENV[name]));

// The `name` tag of each kind of request the scenarios send.
const REQUEST_NAMES = ['home', 'listing', 'detail', 'search', 'cart add', 'cart change', 'cart view', 'register', 'checkout', 'order poll'];

// k6 options for one scenario: its load shape and thresholds, overridable from the
// environment so the runner can drive every scenario at fixed rates and at saturation.
//
// A sign-up hashes a password (argon2id at OWASP's minimum, about 20 ms of CPU),
// which no other request does. Every request is tagged `sign_up: yes|no`, and a
// scenario that signs shoppers up (`signUpP99`) also reports, and judges, the
// latency of its other requests and of its sign-ups on their own: the
// `http_req_duration{sign_up:no}` and `{sign_up:yes}` sub-metrics.
//
// With `byName`, the summary also has each kind of request's count and latency
// (`http_reqs{name:…}`, `http_req_duration{name:…}`), to show which of a mix's
// requests make its tail. k6 exports a tagged sub-metric only when a threshold
// names it, so these thresholds hold for any figure (`count>=0`, `max>=0`).
export function options({ rate, p95, p99, signUpP99, byName }) {
  const duration = __ENV.DURATION || '30s';
  const mode = __ENV.MODE || 'rate';
  const maxVus = num('VUS', mode === 'saturate' ? 32 : 64);
  const load =
    mode === 'saturate'
      ? { executor: 'constant-vus', vus: maxVus, duration }
      : {
          executor: 'constant-arrival-rate',
          rate: num('RATE', rate),
          timeUnit: '1s',
          duration,
          preAllocatedVUs: Math.min(maxVus, Math.max(4, Math.ceil(num('RATE', rate) * 2))),
          maxVUs: maxVus,
        };
  const maxErrors = num('MAX_ERROR_RATE', 0.01);
  const latency = [`p(95)<${num('P95_MS', p95)}`, `p(99)<${num('P99_MS', p99)}`];
  const thresholds = {
    http_req_failed: [maxErrors === 0 ? 'rate==0' : `rate<${maxErrors}`],
    checks: [maxErrors === 0 ? 'rate==1' : `rate>${1 - maxErrors}`],
    http_req_duration: latency,
  };
  if (signUpP99) {
    thresholds['http_req_duration{sign_up:no}'] = latency;
    thresholds['http_req_duration{sign_up:yes}'] = [`p(99)<${num('P99_SIGN_UP_MS', signUpP99)}`];
  }
  for (const name of byName ? REQUEST_NAMES : []) {
    thresholds[`http_reqs{name:${name}}`] = ['count>=0'];
    thresholds[`http_req_duration{name:${name}}`] = ['max>=0'];
  }
  return {
    scenarios: { main: load },
    tags: { sign_up: 'no' },
    setupTimeout: '120s',
    summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(95)', 'p(99)', 'max'],
    thresholds,
  };
}

// Think time: a pause of min..max seconds, scaled by THINK, none when saturating.
export function think(min, max) {
  const scale = (__ENV.MODE || 'rate') === 'saturate' ? 0 : num('THINK', 1);
  if (scale > 0) sleep(scale * (min + Math.random() * (max - min)));
}

export const pick = (items) => items[Math.floor(Math.random() * items.length)];

function parse(res) {
  try {
    return res.json();
  } catch (e) {
    return null;
  }
}

function expect(res, status, what) {
  const ok = check(res, { [`${what} is ${status}`]: (r) => r.status === status });
  return ok ? parse(res) : null;
}

// Setup for every scenario: the slugs of a few listing pages, to browse and buy from.
export function learnCatalog() {
  const slugs = [];
  let cursor = null;
  for (let page = 0; page < num('PAGES', 3); page++) {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = http.get(`${BASE}/api/catalog/products?${query}`, { tags: { name: 'setup' } });
    const body = res.status === 200 ? parse(res) : null;
    if (!body) fail(`listing the catalog at ${BASE} answered ${res.status}: ${res.body}`);
    body.items.forEach((p) => slugs.push(p.slug));
    cursor = body.next_cursor;
    if (!cursor) break;
  }
  if (slugs.length === 0) fail(`the catalog at ${BASE} has no products: seed it first`);
  return { slugs };
}

export function home() {
  expect(http.get(`${BASE}/`, { tags: { name: 'home' } }), 200, 'home');
}

export function listing() {
  const params = pick(['', 'category=apparel', 'sort=price_asc', 'category=books&sort=newest', 'limit=48']);
  return expect(http.get(`${BASE}/api/catalog/products?${params}`, { tags: { name: 'listing' } }), 200, 'listing');
}

export function detail(slug) {
  return expect(http.get(`${BASE}/api/catalog/products/${slug}`, { tags: { name: 'detail' } }), 200, 'detail');
}

// A search as the storefront sends it: words, then filters that narrow it.
export function search() {
  const params = [`q=${pick(SEARCH_WORDS)}`];
  if (Math.random() < 0.5) params.push(`sort=${pick(SORTS)}`);
  if (Math.random() < 0.4) params.push(`min_price=${pick([1000, 2000, 3000])}`, `max_price=${pick([6000, 10000, 20000])}`);
  if (Math.random() < 0.3) params.push('in_stock=true');
  if (Math.random() < 0.3) params.push(`option.size=${pick(SIZES)}`);
  if (Math.random() < 0.2) params.push(`tag=${pick(['sale', 'eco', 'gift', 'new', 'bestseller'])}`);
  return expect(http.get(`${BASE}/api/catalog/products?${params.join('&')}`, { tags: { name: 'search' } }), 200, 'search');
}

// A variant of the product with enough stock for `quantity`, or null.
export function buyableVariant(product, quantity) {
  const variants = product ? product.variants.filter((v) => v.stock >= quantity) : [];
  return variants.length ? pick(variants) : null;
}

// Cart requests carry either a guest cart's token or a signed-in shopper's bearer token.
function cartHeaders(who) {
  const headers = { ...JSON_HEADERS };
  if (who.token) headers['X-Cart-Token'] = who.token;
  if (who.bearer) headers.Authorization = `Bearer ${who.bearer}`;
  return headers;
}

// Adds a line; a guest's first add creates the cart and its token is kept in `who`.
export function addToCart(who, variantId, quantity) {
  const res = http.post(`${BASE}/api/cart/items`, JSON.stringify({ variant_id: variantId, quantity }), {
    headers: cartHeaders(who),
    tags: { name: 'cart add' },
  });
  const created = !who.token && !who.bearer;
  const cart = expect(res, created ? 201 : 200, created ? 'cart create' : 'cart add');
  if (cart && created) {
    who.token = res.headers['X-Cart-Token'];
    check(who, { 'guest cart token returned': (w) => Boolean(w.token) });
  }
  return cart;
}

export function setQuantity(who, variantId, quantity) {
  const res = http.patch(`${BASE}/api/cart/items/${variantId}`, JSON.stringify({ quantity }), {
    headers: cartHeaders(who),
    tags: { name: 'cart change' },
  });
  return expect(res, 200, 'cart change');
}

export function viewCart(who) {
  const cart = expect(http.get(`${BASE}/api/cart`, { headers: cartHeaders(who), tags: { name: 'cart view' } }), 200, 'cart view');
  check(cart, { 'cart has lines': (c) => c !== null && c.lines.length > 0 });
  return cart;
}

const signUps = new Counter('sign_ups');

// Registers a fresh customer, which signs it in; returns `{ bearer }`.
export function signUp() {
  const email = `k6-${__VU}-${__ITER}-${Date.now()}-${Math.floor(Math.random() * 1e9)}@bench.test`;
  const password = 'k6 load test passphrase';
  const reg = http.post(`${BASE}/api/users/register`, JSON.stringify({ email, password, name: 'Load Test' }), {
    headers: JSON_HEADERS,
    tags: { name: 'register', sign_up: 'yes' },
  });
  signUps.add(1);
  const session = expect(reg, 201, 'register');
  return session ? { bearer: session.access_token } : null;
}

// Checks out the shopper's cart with the sandbox card and polls the order until it
// is paid (or gives up after `timeoutS`); returns the final order or null.
export function checkout(who, timeoutS = 15) {
  const body = JSON.stringify({
    payment_method: 'pm_card_visa',
    address: { name: 'Load Test', line1: '1 Bench Street', city: 'Berlin', postal_code: '10115', country: 'DE' },
  });
  const key = `k6-${__VU}-${__ITER}-${Date.now()}-${Math.floor(Math.random() * 1e9)}`;
  const headers = { ...cartHeaders(who), 'Idempotency-Key': key };
  let order = expect(http.post(`${BASE}/api/orders/checkout`, body, { headers, tags: { name: 'checkout' } }), 202, 'checkout');
  if (!order) return null;
  const deadline = Date.now() + timeoutS * 1000;
  while (order && order.status === 'pending_payment' && Date.now() < deadline) {
    sleep(0.1);
    order = expect(http.get(`${BASE}/api/orders/${order.id}`, { headers: cartHeaders(who), tags: { name: 'order poll' } }), 200, 'order poll');
  }
  check(order, { 'order is paid': (o) => o !== null && o.status === 'paid' });
  return order;
}
