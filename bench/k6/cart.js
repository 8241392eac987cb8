// Cart: a guest adds a product (which creates the cart and its X-Cart-Token), adds a
// second one, changes a quantity and views the cart.
// k6 run -e BASE_URL=http://127.0.0.1:3000 bench/k6/cart.js
import { addToCart, buyableVariant, detail, learnCatalog, options as load, pick, setQuantity, think, viewCart } from './lib.js';

export const options = load({ rate: 10, p95: 30, p99: 60 });

export const setup = learnCatalog;

export default function (catalog) {
  const guest = {};
  const first = buyableVariant(detail(pick(catalog.slugs)), 2);
  const second = buyableVariant(detail(pick(catalog.slugs)), 1);
  if (!first || !second) return;
  addToCart(guest, first.id, 1);
  think(0.5, 1.5);
  addToCart(guest, second.id, 1);
  think(0.5, 1.5);
  setQuantity(guest, first.id, 2);
  think(0.5, 1);
  viewCart(guest);
}
