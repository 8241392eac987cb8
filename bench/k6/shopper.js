// Shopper: a mix weighted like real traffic. Each iteration is one visit:
// 60% browse (home, listing, details), 25% search with filters, 12% guest cart
// (add, change, view) and 3% checkout (register, add, pay, poll until paid),
// with think time between steps. CHECKOUT_SHARE (default 0.03) sets the checkouts'
// share; browsing gives up what checkouts take. Each checkout signs a new customer
// up, so sign-ups are also reported on their own (see `options` in lib.js).
// k6 run -e BASE_URL=http://127.0.0.1:3000 bench/k6/shopper.js
import { Trend } from 'k6/metrics';
import {
  addToCart, buyableVariant, checkout, detail, home, learnCatalog, listing, options as load, pick, search, setQuantity, signUp, think, viewCart,
} from './lib.js';

export const options = load({ rate: 10, p95: 25, p99: 60, signUpP99: 100, byName: true });

const toPaid = new Trend('checkout_to_paid', true);
const checkoutShare = Number(__ENV.CHECKOUT_SHARE || 0.03);

export const setup = learnCatalog;

function browse(catalog) {
  home();
  think(0.2, 0.8);
  const page = listing();
  think(0.2, 1);
  detail(pick(page && page.items.length ? page.items : catalog.slugs.map((slug) => ({ slug }))).slug);
  think(0.5, 1.5);
  detail(pick(catalog.slugs));
}

function searchAndLook() {
  const found = search();
  think(0.5, 1.5);
  if (found && found.items.length) detail(pick(found.items).slug);
}

function guestCart(catalog) {
  const guest = {};
  const variant = buyableVariant(detail(pick(catalog.slugs)), 2);
  if (!variant) return;
  think(0.3, 1);
  addToCart(guest, variant.id, 1);
  think(0.3, 1);
  setQuantity(guest, variant.id, 2);
  think(0.3, 1);
  viewCart(guest);
}

function buy(catalog) {
  const shopper = signUp();
  if (!shopper) return;
  const variant = buyableVariant(detail(pick(catalog.slugs)), 1);
  if (!variant) return;
  addToCart(shopper, variant.id, 1);
  think(0.3, 1);
  viewCart(shopper);
  const started = Date.now();
  const order = checkout(shopper);
  if (order && order.status === 'paid') toPaid.add(Date.now() - started);
}

export default function (catalog) {
  const roll = Math.random();
  if (roll < checkoutShare) buy(catalog);
  else if (roll < checkoutShare + 0.12) guestCart(catalog);
  else if (roll < checkoutShare + 0.37) searchAndLook();
  else browse(catalog);
}
