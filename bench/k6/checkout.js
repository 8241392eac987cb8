// Checkout: a new customer registers, fills a cart and pays with the sandbox card
// (pm_card_visa, Idempotency-Key), then polls the order until it is paid.
// Registering hashes a password (argon2id, about 20 ms of CPU), hence the looser latency thresholds.
// Each order takes stock: a long run needs a catalog with deep stock (bench/run.py seeds one).
// k6 run -e BASE_URL=http://127.0.0.1:3000 bench/k6/checkout.js
import { Trend } from 'k6/metrics';
import { addToCart, buyableVariant, checkout, detail, learnCatalog, options as load, pick, signUp, think, viewCart } from './lib.js';

export const options = load({ rate: 2, p95: 400, p99: 800, signUpP99: 800 });

const toPaid = new Trend('checkout_to_paid', true);

export const setup = learnCatalog;

export default function (catalog) {
  const shopper = signUp();
  if (!shopper) return;
  const variant = buyableVariant(detail(pick(catalog.slugs)), 1);
  if (!variant) return;
  addToCart(shopper, variant.id, 1);
  think(0.5, 1);
  viewCart(shopper);
  const started = Date.now();
  const order = checkout(shopper);
  if (order && order.status === 'paid') toPaid.add(Date.now() - started);
}
