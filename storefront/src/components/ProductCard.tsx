import { Link } from 'react-router';
import type { ProductSummary } from '../api/types';
import { formatMoney } from '../lib/money';

export function ProductCard({ product, headingLevel = 3 }: { product: ProductSummary; headingLevel?: 2 | 3 }) {
  const Heading = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <article className="product-card">
      <Link to={`/products/${product.slug}`} className="product-card-link">
        <div className="product-card-image">
          {product.image ? (
            <img src={product.image} alt={product.title} loading="lazy" width="300" height="300" />
          ) : (
            <div className="no-image" aria-hidden="true" />
          )}
        </div>
        <Heading className="product-card-title">{product.title}</Heading>
      </Link>
      <p className="product-card-price">
        <span>From {formatMoney(product.price)}</span>
        {!product.in_stock ? <span className="badge badge-muted">Out of stock</span> : null}
      </p>
    </article>
  );
}

export function ProductGrid({ products, headingLevel }: { products: ProductSummary[]; headingLevel?: 2 | 3 }) {
  return (
    <ul className="product-grid">
      {products.map((p) => (
        <li key={p.id}>
          <ProductCard product={p} {...(headingLevel ? { headingLevel } : {})} />
        </li>
      ))}
    </ul>
  );
}
