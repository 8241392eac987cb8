import { Link } from 'react-router';
import { useCategories, useProducts } from '../api/queries';
import type { CategoryNode } from '../api/types';
import { ProductGrid } from '../components/ProductCard';
import { Empty, ErrorState, Loading } from '../components/States';
import { useTitle } from '../lib/title';

function Categories() {
  const categories = useCategories();
  if (categories.isPending) return <Loading label="Loading categories…" />;
  if (categories.isError) return <ErrorState error={categories.error} retry={() => void categories.refetch()} />;
  const roots = categories.data.items.filter((c: CategoryNode) => c.product_count > 0);
  if (roots.length === 0) return <Empty title="No categories yet" />;
  return (
    <ul className="category-tiles">
      {roots.map((c) => (
        <li key={c.id}>
          <Link to={`/products?category=${encodeURIComponent(c.slug)}`} className="category-tile">
            <span className="category-name">{c.name}</span>
            <span className="muted">{c.product_count} products</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

function Shelf({ title, id, tag }: { title: string; id: string; tag?: string }) {
  const products = useProducts({ ...(tag ? { tag: [tag] } : {}), sort: 'newest', in_stock: true, limit: 8 });
  return (
    <section aria-labelledby={id} className="shelf">
      <div className="section-head">
        <h2 id={id}>{title}</h2>
        <Link to={tag ? `/products?tag=${tag}` : '/products?sort=newest'}>See all</Link>
      </div>
      {products.isPending ? (
        <Loading />
      ) : products.isError ? (
        <ErrorState error={products.error} retry={() => void products.refetch()} />
      ) : products.data.items.length === 0 ? (
        <Empty title="Nothing here yet" />
      ) : (
        <ProductGrid products={products.data.items} />
      )}
    </section>
  );
}

export function Home() {
  useTitle(undefined);
  return (
    <div className="page">
      <section className="hero">
        <h1>Good things, delivered from the edge.</h1>
        <p>Apparel, home, outdoors and more — fast from wherever you are.</p>
        <Link to="/products" className="button button-primary">
          Shop all products
        </Link>
      </section>
      <section aria-labelledby="categories-title">
        <h2 id="categories-title">Categories</h2>
        <Categories />
      </section>
      <Shelf title="Featured" id="featured-title" tag="bestseller" />
      <Shelf title="New in" id="new-title" />
    </div>
  );
}
