// Product detail: images, the variant picker, stock and add to cart.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { useAddToCart, useProduct } from '../api/queries';
import type { Product } from '../api/types';
import { ErrorState, FormError, Loading, errorMessage } from '../components/States';
import { formatMoney, formatPriceRange, stockText } from '../lib/money';
import { useTitle } from '../lib/title';
import { choose, findVariant, initialChoice, optionGroups, valueState } from '../lib/variants';

function Gallery({ product }: { product: Product }) {
  const [index, setIndex] = useState(0);
  const images = product.images;
  const current = images[index] ?? images[0];
  if (!current) return <div className="gallery no-image" aria-hidden="true" />;
  return (
    <div className="gallery">
      <img className="gallery-main" src={current.url} alt={current.alt || product.title} width="600" height="600" />
      {images.length > 1 ? (
        <ul className="thumbs" aria-label="More images">
          {images.map((img, i) => (
            <li key={img.url + String(i)}>
              <button type="button" aria-pressed={i === index} onClick={() => setIndex(i)}>
                <img src={img.url} alt={`Show image ${i + 1}: ${img.alt || product.title}`} width="72" height="72" />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

function Buy({ product }: { product: Product }) {
  const [choice, setChoice] = useState(() => initialChoice(product.variants));
  const [quantity, setQuantity] = useState('1');
  const add = useAddToCart();
  const groups = optionGroups(product.variants);
  const variant = findVariant(product.variants, choice);
  const qty = Number(quantity);
  const qtyError =
    !/^\d+$/.test(quantity) || qty < 1 ? 'Enter a quantity of at least 1.' : variant && qty > variant.stock ? `Only ${variant.stock} in stock.` : null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!variant || qtyError) return;
    add.mutate({ variant_id: variant.id, quantity: qty });
  };

  return (
    <form className="buy" onSubmit={submit} noValidate>
      <p className="price-big" aria-live="polite">
        {variant ? formatMoney(variant.price) : formatPriceRange(product.price)}
      </p>
      {groups.map((g) =>
        g.values.length === 1 ? (
          <p key={g.name} className="option-fixed">
            <span className="option-name">{g.name}:</span> {g.values[0]}
          </p>
        ) : (
          <fieldset key={g.name} className="variant-picker">
            <legend>{g.name.charAt(0).toUpperCase() + g.name.slice(1)}</legend>
            <div className="swatches">
              {g.values.map((value) => {
                const state = valueState(product.variants, choice, g.name, value);
                return (
                  <label key={value} className={`swatch swatch-${state}`}>
                    <input
                      type="radio"
                      name={`option-${g.name}`}
                      value={value}
                      checked={choice[g.name] === value}
                      onChange={() => {
                        add.reset();
                        setChoice((c) => choose(product.variants, c, g.name, value));
                      }}
                    />
                    <span>{value}</span>
                    {state === 'sold-out' ? <span className="visually-hidden"> (sold out)</span> : null}
                  </label>
                );
              })}
            </div>
          </fieldset>
        ),
      )}
      <p className={`stock ${variant && variant.stock > 0 ? 'stock-in' : 'stock-out'}`} data-testid="stock">
        {variant ? stockText(variant.stock) : 'This combination is not sold.'}
        {variant ? <span className="muted"> · SKU {variant.sku}</span> : null}
      </p>
      <div className="buy-row">
        <div className="field field-qty">
          <label htmlFor="quantity">Quantity</label>
          <input
            id="quantity"
            inputMode="numeric"
            value={quantity}
            onChange={(e) => setQuantity(e.target.value)}
            aria-invalid={qtyError ? true : undefined}
            aria-describedby={qtyError ? 'quantity-error' : undefined}
          />
        </div>
        <button type="submit" className="button button-primary" disabled={!variant || variant.stock <= 0 || add.isPending}>
          {add.isPending ? 'Adding…' : 'Add to cart'}
        </button>
      </div>
      {qtyError && quantity !== '' ? (
        <p className="error-text" id="quantity-error" role="alert">
          {qtyError}
        </p>
      ) : null}
      {add.isSuccess ? (
        <p className="success" role="status">
          Added to your cart. <Link to="/cart">View cart ({add.data.item_count})</Link>
        </p>
      ) : null}
      <FormError message={add.isError ? errorMessage(add.error) : undefined} />
    </form>
  );
}

export function ProductPage() {
  const { slug = '' } = useParams();
  const product = useProduct(slug);
  useTitle(product.data?.title ?? (product.isError ? 'Product not found' : 'Product'));
  if (product.isPending) return <Loading label="Loading product…" />;
  if (product.isError) {
    if (product.error instanceof ApiError && product.error.status === 404) {
      return (
        <section className="page narrow">
          <h1>Product not found</h1>
          <p>This product is not sold any more, or the link is mistyped.</p>
          <Link to="/products">Browse all products</Link>
        </section>
      );
    }
    return <ErrorState error={product.error} retry={() => void product.refetch()} />;
  }
  const p = product.data;
  return (
    <article className="page product">
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <ol>
          <li>
            <Link to="/products">Shop</Link>
          </li>
          {p.category ? (
            <li>
              <Link to={`/products?category=${encodeURIComponent(p.category.slug)}`}>{p.category.name}</Link>
            </li>
          ) : null}
          <li aria-current="page">{p.title}</li>
        </ol>
      </nav>
      <div className="product-layout">
        <Gallery product={p} />
        <div className="product-info">
          <h1>{p.title}</h1>
          {p.status !== 'active' ? <p className="badge badge-warn">{p.status}</p> : null}
          <Buy key={p.id} product={p} />
          <section aria-labelledby="description-title">
            <h2 id="description-title">Description</h2>
            <p className="description">{p.description || 'No description yet.'}</p>
          </section>
          {p.tags.length ? (
            <ul className="tags" aria-label="Tags">
              {p.tags.map((t) => (
                <li key={t}>
                  <Link to={`/products?tag=${encodeURIComponent(t)}`} className="chip">
                    {t}
                  </Link>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      </div>
    </article>
  );
}
