// Search: full-text queries with filters (price range, stock, option, tag) and sorts,
// then the detail of a hit.
// k6 run -e BASE_URL=http://127.0.0.1:3000 bench/k6/search.js
import { detail, learnCatalog, options as load, pick, search, think } from './lib.js';

export const options = load({ rate: 20, p95: 30, p99: 60 });

export const setup = learnCatalog;

export default function () {
  const found = search();
  think(1, 3);
  if (found && found.items.length) {
    detail(pick(found.items).slug);
    think(1, 2);
  }
}
