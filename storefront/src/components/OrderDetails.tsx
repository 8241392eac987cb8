// An order: status with its timeline, lines, totals, address and tracking.
import type { Order } from '../api/types';
import { countryName } from '../lib/countries';
import { formatMoney } from '../lib/money';
import { PROGRESS, formatTime, progressIndex, statusLabel } from '../lib/orders';

const REFUND_LABELS = { pending: 'being paid back', succeeded: 'paid back', failed: 'failed' } as const;

export function StatusBadge({ status }: { status: Order['status'] }) {
  return <span className={`badge status status-${status}`}>{statusLabel(status)}</span>;
}

function addressText(address: Record<string, unknown>): string[] {
  const s = (k: string) => {
    const v = address[k];
    return typeof v === 'string' ? v : '';
  };
  return [s('name'), s('line1'), s('line2'), `${s('postal_code')} ${s('city')}`.trim(), s('region'), countryName(s('country')), s('phone')].filter(Boolean);
}

export function OrderDetails({ order }: { order: Order }) {
  const at = progressIndex(order.status);
  return (
    <div className="order-details">
      {at >= 0 ? (
        <ol className="progress" aria-label="Progress">
          {PROGRESS.map((s, i) => (
            <li key={s} className={i <= at ? 'done' : ''} aria-current={i === at ? 'step' : undefined}>
              {statusLabel(s)}
            </li>
          ))}
        </ol>
      ) : null}
      {order.reason ? (
        <p className="form-error" role="status">
          {order.reason}
        </p>
      ) : null}
      {order.refunds.length ? (
        <section aria-labelledby={`refunds-${order.id}`} className="refunds">
          <h2 id={`refunds-${order.id}`}>Refunds</h2>
          <p>
            Refunded <strong data-testid="amount-refunded">{formatMoney(order.amount_refunded)}</strong> of {formatMoney(order.total)}.
          </p>
          <ul>
            {order.refunds.map((r) => (
              <li key={r.id} data-testid="refund">
                {formatMoney(r.amount)} — {REFUND_LABELS[r.status]}
                {r.reason ? <span className="muted"> ({r.reason})</span> : null}
                {r.error ? <span className="error-text"> {r.error}</span> : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {order.tracking_number ? (
        <p>
          Tracking number: <strong data-testid="tracking-number">{order.tracking_number}</strong>
        </p>
      ) : null}
      <div className="order-grid">
        <section aria-labelledby={`timeline-${order.id}`}>
          <h2 id={`timeline-${order.id}`}>Timeline</h2>
          <ol className="timeline">
            {order.timeline.map((t, i) => (
              <li key={`${t.status}-${i}`}>
                <StatusBadge status={t.status} />
                <time dateTime={new Date(t.at * 1000).toISOString()}>{formatTime(t.at)}</time>
                {t.note ? <span className="muted"> — {t.note}</span> : null}
              </li>
            ))}
          </ol>
        </section>
        <section aria-labelledby={`items-${order.id}`}>
          <h2 id={`items-${order.id}`}>Items</h2>
          <ul className="mini-lines">
            {order.lines.map((l) => (
              <li key={l.variant_id}>
                <span>
                  {l.quantity} × {l.title} <span className="muted">({l.sku})</span>
                </span>
                <span>{formatMoney(l.line_total)}</span>
              </li>
            ))}
          </ul>
          <dl className="totals">
            <div className="totals-row">
              <dt>Subtotal</dt>
              <dd>{formatMoney(order.subtotal)}</dd>
            </div>
            <div className="totals-row">
              <dt>Shipping</dt>
              <dd>{order.shipping.amount === 0 ? 'Free' : formatMoney(order.shipping)}</dd>
            </div>
            <div className="totals-row">
              <dt>Tax</dt>
              <dd>{formatMoney(order.tax)}</dd>
            </div>
            <div className="totals-row totals-total">
              <dt>Total</dt>
              <dd>{formatMoney(order.total)}</dd>
            </div>
          </dl>
        </section>
        <section aria-labelledby={`address-${order.id}`}>
          <h2 id={`address-${order.id}`}>Delivery address</h2>
          <address>
            {addressText(order.address).map((line) => (
              <span key={line} className="address-line">
                {line}
              </span>
            ))}
          </address>
        </section>
      </div>
    </div>
  );
}
