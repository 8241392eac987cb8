// The product listing's state lives in the URL, so a link reproduces a search
// and the back button walks back through filters and pages. Pages are the
// API's cursors: `cursor` starts the current page and `prev` lists the cursors
// of the pages before it ('' for the first), which is all "Previous" needs.
import type { ProductQuery } from '../api/keys';
import { formatMoney } from './money';

export const PAGE_SIZE = 24;
const SORTS = ['relevance', 'newest', 'price_asc', 'price_desc'] as const;
export type Sort = (typeof SORTS)[number];

/** The API query a listing URL stands for. */
export function queryFromParams(params: URLSearchParams): ProductQuery {
  const query: ProductQuery = { limit: PAGE_SIZE };
  const q = params.get('q')?.trim();
  if (q) query.q = q;
  const category = params.get('category');
  if (category) query.category = category;
  const tags = params.getAll('tag').filter(Boolean);
  if (tags.length) query.tag = tags;
  for (const name of ['min_price', 'max_price'] as const) {
    const v = params.get(name);
    if (v && /^\d+$/.test(v)) query[name] = Number(v);
  }
  if (params.get('in_stock') === 'true') query.in_stock = true;
  const sort = params.get('sort');
  if (sort && (SORTS as readonly string[]).includes(sort)) query.sort = sort as Sort;
  for (const [key, value] of params) {
    if (key.startsWith('option.') && key.length > 7 && value) query[key as `option.${string}`] = value;
  }
  const cursor = params.get('cursor');
  if (cursor) query.cursor = cursor;
  return query;
}

/** The sort in effect: the API's default is relevance with a search, newest without. */
export function effectiveSort(params: URLSearchParams): Sort {
  const sort = params.get('sort');
  if (sort && (SORTS as readonly string[]).includes(sort)) return sort as Sort;
  return params.get('q') ? 'relevance' : 'newest';
}

/** A copy of `params` with one filter changed; any filter change goes back to page 1. */
export function withFilter(params: URLSearchParams, name: string, value: string | string[] | null): URLSearchParams {
  const next = new URLSearchParams(params);
  next.delete(name);
  for (const v of Array.isArray(value) ? value : value === null ? [] : [value]) {
    if (v !== '') next.append(name, v);
  }
  next.delete('cursor');
  next.delete('prev');
  return next;
}

/** Toggles one value of a repeatable filter (tags). */
export function toggleValue(params: URLSearchParams, name: string, value: string): URLSearchParams {
  const current = params.getAll(name);
  const values = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return withFilter(params, name, values);
}

function prevList(params: URLSearchParams): string[] {
  const prev = params.get('prev');
  return prev === null ? [] : prev.split(',');
}

/** The 1-based page number. */
export function pageNumber(params: URLSearchParams): number {
  return params.get('cursor') ? prevList(params).length + 1 : 1;
}

export function nextPage(params: URLSearchParams, nextCursor: string): URLSearchParams {
  const next = new URLSearchParams(params);
  next.set('prev', [...(params.get('cursor') ? prevList(params) : []), params.get('cursor') ?? ''].join(','));
  next.set('cursor', nextCursor);
  return next;
}

export function previousPage(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  const prev = prevList(params);
  const cursor = prev.pop() ?? '';
  if (cursor) next.set('cursor', cursor);
  else next.delete('cursor');
  if (prev.length) next.set('prev', prev.join(','));
  else next.delete('prev');
  return next;
}

/** The active filters, for the "clear" chips: [param, value, label]. */
export function activeFilters(params: URLSearchParams, currency = 'EUR'): { name: string; value: string; label: string }[] {
  const out: { name: string; value: string; label: string }[] = [];
  for (const [name, value] of params) {
    if (!value) continue;
    if (name === 'category') out.push({ name, value, label: `Category: ${value}` });
    else if (name === 'tag') out.push({ name, value, label: `Tag: ${value}` });
    else if (name === 'in_stock' && value === 'true') out.push({ name, value, label: 'In stock' });
    else if (name === 'min_price') out.push({ name, value, label: `From ${formatMoney({ amount: Number(value), currency })}` });
    else if (name === 'max_price') out.push({ name, value, label: `Up to ${formatMoney({ amount: Number(value), currency })}` });
    else if (name.startsWith('option.')) out.push({ name, value, label: `${name.slice(7)}: ${value}` });
  }
  return out;
}
