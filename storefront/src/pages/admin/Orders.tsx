// Orders for admins: every order by status, and moving paid orders along
// (processing, shipped with a tracking number, delivered).
import { useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../../api/client';
import { keys } from '../../api/queries';
import type { Order, OrderStatus } from '../../api/types';
import { Field } from '../../components/Field';
import { OrderDetails, StatusBadge } from '../../components/OrderDetails';
import { Empty, ErrorState, FormError, Loading, errorMessage } from '../../components/States';
import { useForm } from '../../lib/form';
import { formatMoney, parseMoney } from '../../lib/money';
import { STATUS_LABELS, formatTime } from '../../lib/orders';
import { useTitle } from '../../lib/title';
import { maxLength, price, required } from '../../lib/validation';

export function AdminOrders() {
  useTitle('Admin: orders');
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const cursor = params.get('cursor') ?? undefined;
  const orders = useQuery({
    queryKey: [...keys.adminOrders(status), cursor],
    queryFn: ({ signal }) =>
      api.request('get', '/api/orders/admin/orders', {
        query: { ...(status ? { status: status as OrderStatus } : {}), cursor, limit: 50 },
        signal,
      }),
  });
  return (
    <section aria-labelledby="admin-orders-title">
      <h1 id="admin-orders-title">Orders</h1>
      <div className="toolbar">
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setParams(e.target.value ? { status: e.target.value } : {})}>
            <option value="">All</option>
            {Object.entries(STATUS_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
      </div>
      {orders.isPending ? (
        <Loading label="Loading orders…" />
      ) : orders.isError ? (
        <ErrorState error={orders.error} retry={() => void orders.refetch()} />
      ) : orders.data.items.length === 0 ? (
        <Empty title="No orders" />
      ) : (
        <>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Placed</th>
                <th scope="col">Customer</th>
                <th scope="col">Status</th>
                <th scope="col">Total</th>
              </tr>
            </thead>
            <tbody>
              {orders.data.items.map((o) => (
                <tr key={o.id} data-testid="admin-order-row">
                  <td>
                    <Link to={`/admin/orders/${o.id}`}>#{o.id}</Link>
                  </td>
                  <td>{formatTime(o.created_at)}</td>
                  <td>{typeof o.address.name === 'string' ? o.address.name : `user ${o.user_id}`}</td>
                  <td>
                    <StatusBadge status={o.status} />
                  </td>
                  <td>{formatMoney(o.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <nav className="pagination" aria-label="Pages">
            {cursor ? (
              <button type="button" className="button" onClick={() => setParams(status ? { status } : {})}>
                Newest
              </button>
            ) : null}
            {orders.data.next_cursor ? (
              <button type="button" className="button" onClick={() => setParams({ ...(status ? { status } : {}), cursor: orders.data.next_cursor ?? '' })}>
                Older →
              </button>
            ) : null}
          </nav>
        </>
      )}
    </section>
  );
}

function Fulfilment({ order, onChanged }: { order: Order; onChanged: (o: Order) => void }) {
  const form = useForm({ tracking: '' }, { tracking: [required('A tracking number'), maxLength(100)] });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const move = async (status: 'processing' | 'shipped' | 'delivered', tracking_number?: string) => {
    setBusy(true);
    setError(null);
    try {
      onChanged(
        await api.request('post', '/api/orders/{id}/fulfilment', { path: { id: order.id }, body: { status, ...(tracking_number ? { tracking_number } : {}) } }),
      );
    } catch (e) {
      setError(e instanceof ApiError && e.status === 409 ? `This order cannot move on from “${order.status}” that way.` : errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const canShip = order.status === 'paid' || order.status === 'processing';
  if (!canShip && order.status !== 'shipped') {
    return <p className="muted">Nothing to do: the order is {STATUS_LABELS[order.status].toLowerCase()}.</p>;
  }
  return (
    <div className="fulfilment">
      {order.status === 'paid' ? (
        <button type="button" className="button" disabled={busy} onClick={() => void move('processing')}>
          Mark as being prepared
        </button>
      ) : null}
      {canShip ? (
        <form onSubmit={form.onSubmit((v) => move('shipped', v.tracking.trim()))} noValidate className="inline-form">
          <Field label="Tracking number" required {...form.field('tracking')} />
          <button type="submit" className="button button-primary" disabled={busy}>
            Mark as shipped
          </button>
        </form>
      ) : null}
      {order.status === 'shipped' ? (
        <button type="button" className="button button-primary" disabled={busy} onClick={() => void move('delivered')}>
          Mark as delivered
        </button>
      ) : null}
      <FormError message={error ?? undefined} />
    </div>
  );
}

/** A refund of part or all of what is left, paid out by the host's gateway. */
function Refund({ order, onChanged }: { order: Order; onChanged: (o: Order) => void }) {
  const left = order.total.amount - order.refunds.filter((r) => r.status !== 'failed').reduce((n, r) => n + r.amount.amount, 0);
  const form = useForm({ amount: '', reason: '' }, { amount: [price], reason: [maxLength(500)] });
  // One key per refund: a double click or a retry after a lost answer refunds once.
  const [key, setKey] = useState(() => `refund-${crypto.randomUUID()}`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (left <= 0) return <p className="muted">Everything paid has been refunded.</p>;
  const submit = form.onSubmit(async (v) => {
    const amount = v.amount.trim() ? parseMoney(v.amount, order.currency) : null;
    if (amount !== null && (amount < 1 || amount > left)) {
      form.setServerErrors({ amount: `Refund at most ${formatMoney({ amount: left, currency: order.currency })}.` });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const body = { ...(amount ? { amount } : {}), ...(v.reason.trim() ? { reason: v.reason.trim() } : {}) };
      onChanged(await api.request('post', '/api/orders/{id}/refunds', { path: { id: order.id }, body, headers: { 'idempotency-key': key } }));
      setKey(`refund-${crypto.randomUUID()}`);
      form.setValues({ amount: '', reason: '' });
    } catch (e) {
      if (e instanceof ApiError && e.fields['amount']) form.setServerErrors({ amount: e.fields['amount'] });
      else setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  });
  return (
    <form onSubmit={submit} noValidate className="inline-form">
      <Field
        label={`Refund amount (${order.currency})`}
        inputMode="decimal"
        hint={`Empty refunds all that is left: ${formatMoney({ amount: left, currency: order.currency })}.`}
        {...form.field('amount')}
      />
      <Field label="Reason (optional)" {...form.field('reason')} />
      <button type="submit" className="button" disabled={busy}>
        Refund
      </button>
      <FormError message={error ?? undefined} />
    </form>
  );
}

function Cancel({ order, onChanged }: { order: Order; onChanged: (o: Order) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (order.status !== 'paid' && order.status !== 'processing') return null;
  const cancel = async () => {
    setError(null);
    try {
      onChanged(await api.request('post', '/api/orders/{id}/cancel', { path: { id: order.id }, body: { reason: 'cancelled by the shop' } }));
      setConfirming(false);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return confirming ? (
    <div role="alertdialog" aria-labelledby="cancel-confirm">
      <p id="cancel-confirm">Cancel order #{order.id} and refund everything not yet refunded? Stock is not put back automatically.</p>
      <div className="button-row">
        <button type="button" className="button button-danger" onClick={() => void cancel()}>
          Yes, cancel and refund
        </button>
        <button type="button" className="button" onClick={() => setConfirming(false)}>
          Keep the order
        </button>
      </div>
      <FormError message={error ?? undefined} />
    </div>
  ) : (
    <button type="button" className="button button-danger" onClick={() => setConfirming(true)}>
      Cancel order
    </button>
  );
}

const REFUNDABLE: Order['status'][] = ['paid', 'processing', 'shipped', 'delivered'];

export function AdminOrder() {
  const id = Number(useParams().id);
  const client = useQueryClient();
  const order = useQuery({
    queryKey: ['admin', 'order', id],
    queryFn: ({ signal }) => api.request('get', '/api/orders/{id}', { path: { id }, signal }),
    refetchInterval: (q) => (q.state.data?.refunds.some((r) => r.status === 'pending') ? 1000 : false),
  });
  useTitle(`Admin: order ${id}`);
  const changed = (next: Order) => {
    client.setQueryData(['admin', 'order', id], next);
    void client.invalidateQueries({ queryKey: ['admin', 'orders'] });
  };
  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.isError) return <ErrorState error={order.error} retry={() => void order.refetch()} />;
  const o = order.data;
  return (
    <section aria-labelledby="admin-order-title">
      <p>
        <Link to="/admin/orders">← All orders</Link>
      </p>
      <h1 id="admin-order-title">Order #{o.id}</h1>
      <p>
        <StatusBadge status={o.status} />{' '}
        <span className="muted">
          placed {formatTime(o.created_at)} by user {o.user_id}, paid with {o.payment_method}
        </span>
      </p>
      <section className="panel" aria-labelledby="fulfilment-title">
        <h2 id="fulfilment-title">Fulfilment</h2>
        <Fulfilment order={o} onChanged={changed} />
      </section>
      {REFUNDABLE.includes(o.status) ? (
        <section className="panel" aria-labelledby="refund-title">
          <h2 id="refund-title">Refund or cancel</h2>
          <Refund order={o} onChanged={changed} />
          <Cancel order={o} onChanged={changed} />
        </section>
      ) : null}
      <OrderDetails order={o} />
    </section>
  );
}
