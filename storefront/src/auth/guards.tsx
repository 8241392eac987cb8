// Client-side route guards. They only decide what to show: the API checks
// every request's token and role itself, so a hidden page protects nothing.
import type { ReactNode } from 'react';
import { Link, Navigate, useLocation } from 'react-router';
import { Loading } from '../components/States';
import { useSession } from './session';

export function RequireSignIn({ children }: { children: ReactNode }) {
  const { status } = useSession();
  const location = useLocation();
  if (status === 'restoring') return <Loading label="Checking your session…" />;
  if (status === 'guest') return <Navigate to="/account/signin" replace state={{ from: location.pathname + location.search + location.hash }} />;
  return children;
}

export function RequireAdmin({ children }: { children: ReactNode }) {
  const { status, user } = useSession();
  const location = useLocation();
  if (status === 'restoring') return <Loading label="Checking your session…" />;
  if (!user) return <Navigate to="/account/signin" replace state={{ from: location.pathname + location.search }} />;
  if (user.role !== 'admin') {
    return (
      <section className="page narrow" aria-labelledby="forbidden-title">
        <h1 id="forbidden-title">Not allowed</h1>
        <p>This part of the shop is for administrators. Your account ({user.email}) cannot open it.</p>
        <p>
          <Link to="/">Back to the shop</Link>
        </p>
      </section>
    );
  }
  return children;
}
