// The shop's outbox: messages (password-reset links) queued for customers.
// With no mailer configured, this is where an admin finds them.
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import { keys } from '../../api/queries';
import { Empty, ErrorState, Loading } from '../../components/States';
import { formatTime } from '../../lib/orders';
import { useTitle } from '../../lib/title';

export function AdminOutbox() {
  useTitle('Admin: outbox');
  const outbox = useQuery({ queryKey: keys.outbox, queryFn: ({ signal }) => api.request('get', '/api/users/admin/outbox', { query: { limit: 50 }, signal }) });
  return (
    <section aria-labelledby="outbox-title">
      <h1 id="outbox-title">Outbox</h1>
      <p className="muted">Messages the shop has sent to customers, newest first.</p>
      {outbox.isPending ? (
        <Loading />
      ) : outbox.isError ? (
        <ErrorState error={outbox.error} retry={() => void outbox.refetch()} />
      ) : outbox.data.items.length === 0 ? (
        <Empty title="No messages" />
      ) : (
        <ul className="outbox">
          {outbox.data.items.map((m) => (
            <li key={m.id} className="panel">
              <p>
                <strong>{m.subject}</strong> to {m.recipient} <span className="muted">· {formatTime(m.created_at)}</span>
              </p>
              <pre>{m.body}</pre>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
