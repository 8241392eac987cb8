// Browse: the home page, a listing page, then a few product details.
// k6 run -e BASE_URL=http://127.0.0.1:3000 bench/k6/browse.js
import { detail, home, learnCatalog, listing, options as load, pick, think } from './lib.js';

export const options = load({ rate: 20, p95: 20, p99: 50 });

export const setup = learnCatalog;

export default function (catalog) {
  home();
  think(0.5, 1.5);
  const page = listing();
  think(0.5, 2);
  const onPage = page && page.items.length ? page.items.map((p) => p.slug) : catalog.slugs;
  for (let i = 0; i < 3; i++) {
    detail(pick(i === 0 ? onPage : catalog.slugs));
    think(1, 3);
  }
}
