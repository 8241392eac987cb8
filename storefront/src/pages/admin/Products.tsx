import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { Empty, ErrorState, Loading } from '../../components/States';
import { formatMoney } from '../../lib/money';
import { useTitle } from '../../lib/title';

const STATUSES = ['any', 'active', 'draft', 'archived'] as const;
type StatusFilter = (typeof STATUSES)[number];

export function AdminProducts() {
  useTitle('Admin: products');
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const status = (STATUSES as readonly string[]).includes(params.get('status') ?? '') ? (params.get('status') as StatusFilter) : 'any';
  const cursor = params.get('cursor') ?? undefined;
  const [term, setTerm] = useState(q);
  const products = useQuery({
    queryKey: ['admin', 'products', q, status, cursor],
    queryFn: ({ signal }) => api.request('get', '/api/catalog/products', { query: { q: q || undefined, status, cursor, limit: 50 }, signal }),
  });
  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    if (!('cursor' in changes)) next.delete('cursor');
    setParams(next);
  };
  const search = (e: FormEvent) => {
    e.preventDefault();
    update({ q: term.trim() });
  };
  return (
    <section aria-labelledby="admin-products-title">
      <div className="section-head">
        <h1 id="admin-products-title">Products</h1>
        <Link to="/admin/products/new" className="button button-primary">
          New product
        </Link>
      </div>
      <div className="toolbar">
        <form role="search" onSubmit={search} className="search">
          <label htmlFor="admin-search" className="visually-hidden">
            Search products
          </label>
          <input id="admin-search" type="search" value={term} onChange={(e) => setTerm(e.target.value)} placeholder="Search by title" />
          <button type="submit" className="button">
            Search
          </button>
        </form>
        <label>
          Status{' '}
          <select value={status} onChange={(e) => update({ status: e.target.value === 'any' ? '' : e.target.value })}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      {products.isPending ? (
        <Loading />
      ) : products.isError ? (
        <ErrorState error={products.error} retry={() => void products.refetch()} />
      ) : products.data.items.length === 0 ? (
        <Empty title="No products match" />
      ) : (
        <>
          <p className="muted">{products.data.total} products</p>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Product</th>
                <th scope="col">Category</th>
                <th scope="col">From</th>
                <th scope="col">Stock</th>
              </tr>
            </thead>
            <tbody>
              {products.data.items.map((p) => (
                <tr key={p.id}>
                  <td>
                    <Link to={`/admin/products/${p.id}`}>{p.title}</Link>
                  </td>
                  <td>{p.category?.name ?? '—'}</td>
                  <td>{formatMoney(p.price)}</td>
                  <td>{p.in_stock ? 'In stock' : 'Out of stock'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pagination" aria-label="Pages">
            {cursor ? (
              <button type="button" className="button" onClick={() => update({ cursor: '' })}>
                First page
              </button>
            ) : null}
            {products.data.next_cursor ? (
              <button type="button" className="button" onClick={() => update({ cursor: products.data.next_cursor ?? '' })}>
                Next →
              </button>
            ) : null}
          </nav>
        </>
      )}
    </section>
  );
}
