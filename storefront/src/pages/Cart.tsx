// The cart: quantities, removal, the totals the cart component computed, and
// the notices that say why a line needs attention (price changes told once).
import { useState } from 'react';
import { Link } from 'react-router';
import { useCart, useRemoveLine, useSetQuantity } from '../api/queries';
import type { Cart, CartLine } from '../api/types';
import { Empty, ErrorState, FormError, Loading, errorMessage } from '../components/States';
import { cartSummary, formatMoney, noticeText } from '../lib/money';
import { useTitle } from '../lib/title';

export function Totals({ cart }: { cart: Cart }) {
  return (
    <dl className="totals">
      {cartSummary(cart).map((row) => (
        <div key={row.label} className={row.emphasis ? 'totals-row totals-total' : 'totals-row'}>
          <dt>{row.label}</dt>
          <dd>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

export function lineOptions(options: Record<string, string> | null | undefined): string {
  return Object.entries(options ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

function Line({ line }: { line: CartLine }) {
  const setQuantity = useSetQuantity();
  const remove = useRemoveLine();
  const [draft, setDraft] = useState<string | null>(null);
  const title = line.title ?? `Item ${line.variant_id}`;
  const value = draft ?? String(line.quantity);
  const commit = () => {
    if (draft === null) return;
    const n = Number(draft);
    setDraft(null);
    if (/^\d+$/.test(draft) && n >= 1 && n <= 999 && n !== line.quantity) setQuantity.mutate({ variantId: line.variant_id, quantity: n });
  };
  const inputId = `qty-${line.variant_id}`;
  const error = setQuantity.error ?? remove.error;
  return (
    <li className="cart-line" data-testid="cart-line">
      <div className="cart-line-image">
        {line.image ? <img src={line.image} alt={title} width="96" height="96" /> : <div className="no-image" aria-hidden="true" />}
      </div>
      <div className="cart-line-info">
        <h2 className="cart-line-title">{line.product_slug ? <Link to={`/products/${line.product_slug}`}>{title}</Link> : title}</h2>
        {line.options ? <p className="muted">{lineOptions(line.options)}</p> : null}
        {line.unit_price ? <p>{formatMoney(line.unit_price)} each</p> : null}
        {line.notices.map((n) => (
          <p key={n.code} className={`notice notice-${n.code}`} role="status">
            {noticeText(n, line.unit_price)}
          </p>
        ))}
        <FormError message={error ? errorMessage(error) : undefined} />
      </div>
      <div className="cart-line-actions">
        <label htmlFor={inputId}>Quantity</label>
        <input
          id={inputId}
          className="qty-input"
          type="number"
          min={1}
          max={999}
          value={value}
          onChange={(e) => setDraft(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') commit();
          }}
          disabled={setQuantity.isPending}
        />
        <button type="button" className="link-button" onClick={() => remove.mutate(line.variant_id)} disabled={remove.isPending} aria-label={`Remove ${title}`}>
          Remove
        </button>
      </div>
      <p className="cart-line-total">{line.line_total ? formatMoney(line.line_total) : '—'}</p>
    </li>
  );
}

export function CartPage() {
  useTitle('Cart');
  const cart = useCart();
  if (cart.isPending) return <Loading label="Loading your cart…" />;
  if (cart.isError) return <ErrorState error={cart.error} retry={() => void cart.refetch()} />;
  const c = cart.data;
  if (c.lines.length === 0) {
    return (
      <section className="page narrow">
        <h1>Your cart</h1>
        <Empty title="Your cart is empty">
          <p>
            <Link to="/products" className="button button-primary">
              Start shopping
            </Link>
          </p>
        </Empty>
      </section>
    );
  }
  return (
    <div className="page cart">
      <h1>Your cart</h1>
      <div className="cart-layout">
        <ul className="cart-lines" aria-label="Items">
          {c.lines.map((l) => (
            <Line key={l.variant_id} line={l} />
          ))}
        </ul>
        <aside className="summary" aria-labelledby="summary-title">
          <h2 id="summary-title">Summary</h2>
          <Totals cart={c} />
          {c.checkout_ready ? (
            <Link to="/checkout" className="button button-primary button-block">
              Check out
            </Link>
          ) : (
            <>
              <p className="notice" role="status">
                Some items need attention before you can check out.
              </p>
              <button type="button" className="button button-primary button-block" disabled>
                Check out
              </button>
            </>
          )}
          <Link to="/products" className="link-button">
            Continue shopping
          </Link>
        </aside>
      </div>
    </div>
  );
}
