// One of the shopper's orders; right after checkout, its confirmation.
import { useEffect } from 'react';
import { Link, useLocation, useParams } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { useOrder } from '../api/queries';
import { OrderDetails, StatusBadge } from '../components/OrderDetails';
import { ErrorState, Loading } from '../components/States';
import { formatTime } from '../lib/orders';
import { useTitle } from '../lib/title';

export function OrderPage() {
  const id = Number(useParams().id);
  const order = useOrder(Number.isInteger(id) && id > 0 ? id : undefined);
  const state: unknown = useLocation().state;
  const placed = typeof state === 'object' && state !== null && 'placed' in state;
  const client = useQueryClient();
  useTitle(placed ? 'Order confirmed' : `Order ${id}`);

  // The checkout saga empties the cart as its last step, just after the order is paid.
  useEffect(() => {
    if (!placed) return;
    const t = setTimeout(() => void client.invalidateQueries({ queryKey: ['cart'] }), 1500);
    return () => clearTimeout(t);
  }, [placed, client]);

  if (order.isPending) return <Loading label="Loading the order…" />;
  if (order.isError) return <ErrorState error={order.error} title="This order could not be shown" retry={() => void order.refetch()} />;
  const o = order.data;
  return (
    <div className="page">
      {placed ? (
        <div className="confirmation" role="status">
          <h1>Thank you! Your order is confirmed.</h1>
          <p>
            Order <strong>#{o.id}</strong> is paid. We will let you know when it ships.
          </p>
        </div>
      ) : (
        <h1>Order #{o.id}</h1>
      )}
      <p>
        <StatusBadge status={o.status} /> <span className="muted">placed {formatTime(o.created_at)}</span>
      </p>
      <OrderDetails order={o} />
      <p>
        <Link to="/account#orders">All your orders</Link> · <Link to="/products">Continue shopping</Link>
      </p>
    </div>
  );
}
