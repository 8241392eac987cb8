// Product listing: search, filters with facet counts, sort and pages, all in the URL.
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useProducts } from '../api/queries';
import type { ProductList } from '../api/types';
import { ProductGrid } from '../components/ProductCard';
import { Empty, ErrorState, Loading } from '../components/States';
import { activeFilters, effectiveSort, nextPage, pageNumber, previousPage, queryFromParams, toggleValue, withFilter } from '../lib/listing';
import { parseMoney, toDecimal } from '../lib/money';
import { useTitle } from '../lib/title';

type Facets = ProductList['facets'];

function FacetGroup({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <fieldset className="facet" aria-labelledby={id}>
      <legend id={id}>{title}</legend>
      {children}
    </fieldset>
  );
}

function PriceFilter({ params, onChange, currency }: { params: URLSearchParams; onChange: (p: URLSearchParams) => void; currency: string }) {
  const fromUrl = (name: string) => {
    const v = params.get(name);
    return v && /^\d+$/.test(v) ? toDecimal(Number(v), currency) : '';
  };
  const [min, setMin] = useState(fromUrl('min_price'));
  const [max, setMax] = useState(fromUrl('max_price'));
  const [error, setError] = useState<string | null>(null);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const lo = min.trim() ? parseMoney(min, currency) : null;
    const hi = max.trim() ? parseMoney(max, currency) : null;
    if ((min.trim() && lo === null) || (max.trim() && hi === null)) return setError('Enter prices such as 20 or 19.90.');
    if (lo !== null && hi !== null && lo > hi) return setError('The lowest price is above the highest.');
    setError(null);
    onChange(withFilter(withFilter(params, 'min_price', lo === null ? null : String(lo)), 'max_price', hi === null ? null : String(hi)));
  };
  return (
    <form className="price-filter" onSubmit={apply} noValidate>
      <div className="price-inputs">
        <label>
          Min ({currency})
          <input inputMode="decimal" value={min} onChange={(e) => setMin(e.target.value)} aria-invalid={error ? true : undefined} />
        </label>
        <label>
          Max ({currency})
          <input inputMode="decimal" value={max} onChange={(e) => setMax(e.target.value)} aria-invalid={error ? true : undefined} />
        </label>
      </div>
      {error ? (
        <p className="error-text" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" className="button">
        Apply price
      </button>
    </form>
  );
}

function Filters({ facets, params, onChange }: { facets: Facets; params: URLSearchParams; onChange: (p: URLSearchParams) => void }) {
  const category = params.get('category');
  const tags = params.getAll('tag');
  const currency = facets.price.min?.currency ?? 'EUR';
  return (
    <div className="filters">
      <FacetGroup title="Category">
        <ul className="facet-list">
          {category ? (
            <li>
              <button type="button" className="link-button" onClick={() => onChange(withFilter(params, 'category', null))}>
                All categories
              </button>
            </li>
          ) : null}
          {facets.categories.map((c) => (
            <li key={c.id}>
              <label className="check">
                <input type="radio" name="category" checked={category === c.slug} onChange={() => onChange(withFilter(params, 'category', c.slug))} />
                {c.name} <span className="count">({c.count})</span>
              </label>
            </li>
          ))}
        </ul>
      </FacetGroup>
      <FacetGroup title="Availability">
        <label className="check">
          <input
            type="checkbox"
            checked={params.get('in_stock') === 'true'}
            onChange={(e) => onChange(withFilter(params, 'in_stock', e.target.checked ? 'true' : null))}
          />
          In stock only
        </label>
      </FacetGroup>
      {facets.tags.length || tags.length ? (
        <FacetGroup title="Tags">
          <ul className="facet-list">
            {facets.tags.map((t) => (
              <li key={t.value}>
                <label className="check">
                  <input type="checkbox" checked={tags.includes(t.value)} onChange={() => onChange(toggleValue(params, 'tag', t.value))} />
                  {t.value} <span className="count">({t.count})</span>
                </label>
              </li>
            ))}
          </ul>
        </FacetGroup>
      ) : null}
      {Object.entries(facets.options)
        .filter(([name, values]) => values.length > 1 || params.has(`option.${name}`))
        .map(([name, values]) => {
          const key = `option.${name}`;
          const selected = params.get(key);
          return (
            <FacetGroup key={name} title={name.charAt(0).toUpperCase() + name.slice(1)}>
              <ul className="facet-list facet-chips">
                {values.map((v) => (
                  <li key={v.value}>
                    <label className="check">
                      <input
                        type="checkbox"
                        checked={selected === v.value}
                        onChange={() => onChange(withFilter(params, key, selected === v.value ? null : v.value))}
                      />
                      {v.value} <span className="count">({v.count})</span>
                    </label>
                  </li>
                ))}
              </ul>
            </FacetGroup>
          );
        })}
      <FacetGroup title="Price">
        <PriceFilter key={`${params.get('min_price')}-${params.get('max_price')}`} params={params} onChange={onChange} currency={currency} />
      </FacetGroup>
    </div>
  );
}

/** Filters start open beside the results on wide screens, folded above them on phones. */
const wideScreen = () => typeof matchMedia === 'function' && matchMedia('(min-width: 900px)').matches;

export function Listing() {
  const [params, setParams] = useSearchParams();
  const [filtersOpen, setFiltersOpen] = useState(wideScreen);
  const query = queryFromParams(params);
  const products = useProducts(query);
  const q = params.get('q');
  useTitle(q ? `Search: ${q}` : 'All products');
  const sort = effectiveSort(params);
  const page = pageNumber(params);
  const chips = activeFilters(params, products.data?.facets.price.min?.currency);

  return (
    <div className="page listing">
      <div className="listing-head">
        <h1>{q ? `Results for “${q}”` : 'All products'}</h1>
        <label className="sort">
          Sort by
          <select value={sort} onChange={(e) => setParams(withFilter(params, 'sort', e.target.value))}>
            {q ? <option value="relevance">Best match</option> : null}
            <option value="newest">Newest</option>
            <option value="price_asc">Price: low to high</option>
            <option value="price_desc">Price: high to low</option>
          </select>
        </label>
      </div>
      {chips.length ? (
        <ul className="chips" aria-label="Active filters">
          {chips.map((c) => (
            <li key={`${c.name}=${c.value}`}>
              <button
                type="button"
                className="chip"
                onClick={() => setParams(c.name === 'tag' ? toggleValue(params, 'tag', c.value) : withFilter(params, c.name, null))}
              >
                {c.label} <span aria-hidden="true">×</span>
                <span className="visually-hidden"> (remove)</span>
              </button>
            </li>
          ))}
          <li>
            <Link to={q ? `/products?q=${encodeURIComponent(q)}` : '/products'} className="link-button">
              Clear all
            </Link>
          </li>
        </ul>
      ) : null}
      <div className="listing-body">
        <details className="filters-panel" open={filtersOpen} onToggle={(e) => setFiltersOpen(e.currentTarget.open)}>
          <summary>Filters</summary>
          {products.data ? <Filters facets={products.data.facets} params={params} onChange={setParams} /> : null}
        </details>
        <section className="results" aria-label="Results" aria-busy={products.isFetching}>
          {products.isPending ? (
            <Loading label="Loading products…" />
          ) : products.isError ? (
            <ErrorState error={products.error} retry={() => void products.refetch()} />
          ) : (
            <>
              <p id="results-count" className="results-count" role="status">
                {products.data.total === 1 ? '1 product' : `${products.data.total} products`}
                {page > 1 ? ` · page ${page}` : ''}
              </p>
              {products.data.items.length === 0 ? (
                <Empty title="No products match">
                  <p>Try fewer filters or another search.</p>
                </Empty>
              ) : (
                <ProductGrid products={products.data.items} headingLevel={2} />
              )}
              <nav className="pagination" aria-label="Pages">
                {page > 1 ? (
                  <Link className="button" to={`?${previousPage(params).toString()}`}>
                    ← Previous
                  </Link>
                ) : null}
                <span className="muted">Page {page}</span>
                {products.data.next_cursor ? (
                  <Link className="button" to={`?${nextPage(params, products.data.next_cursor).toString()}`}>
                    Next →
                  </Link>
                ) : null}
              </nav>
            </>
          )}
        </section>
      </div>
    </div>
  );
}
