// The top bar: the shop's name, product search, the cart with its count and
// the account menu (sign in, or profile, orders, admin and sign out).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, NavLink, useLocation, useNavigate, useSearchParams } from 'react-router';
import { useCart } from '../api/queries';
import { useSession } from '../auth/session';

/** The search box shows the listing's current term; it is remounted when that changes. */
function SearchBox({ current }: { current: string }) {
  const navigate = useNavigate();
  const [q, setQ] = useState(current);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const term = q.trim();
    void navigate(term ? `/products?q=${encodeURIComponent(term)}` : '/products');
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <label htmlFor="site-search" className="visually-hidden">
        Search products
      </label>
      <input id="site-search" type="search" name="q" placeholder="Search products" value={q} onChange={(e) => setQ(e.target.value)} autoComplete="off" />
      <button type="submit" className="button">
        Search
      </button>
    </form>
  );
}

function AccountMenu() {
  const { status, user, signOut } = useSession();
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLDivElement>(null);
  const navigate = useNavigate();
  const location = useLocation();

  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent | KeyboardEvent) => {
      if (e instanceof KeyboardEvent ? e.key === 'Escape' : !ref.current?.contains(e.target as Node)) {
        setOpen(false);
        if (e instanceof KeyboardEvent) ref.current?.querySelector('button')?.focus();
      }
    };
    document.addEventListener('mousedown', close);
    document.addEventListener('keydown', close);
    return () => {
      document.removeEventListener('mousedown', close);
      document.removeEventListener('keydown', close);
    };
  }, [open]);

  if (status === 'restoring') return <span className="nav-link muted">Account</span>;
  if (!user) {
    return (
      <NavLink to="/account/signin" className="nav-link" state={{ from: location.pathname + location.search }}>
        Sign in
      </NavLink>
    );
  }
  return (
    <div className="menu" ref={ref}>
      <button type="button" className="nav-link menu-button" aria-expanded={open} aria-controls="account-menu" onClick={() => setOpen((o) => !o)}>
        {user.name || 'Account'} <span aria-hidden="true">▾</span>
      </button>
      {open ? (
        <ul id="account-menu" className="menu-list" onClick={() => setOpen(false)}>
          <li>
            <Link to="/account">Profile</Link>
          </li>
          <li>
            <Link to="/account#orders">Orders</Link>
          </li>
          {user.role === 'admin' ? (
            <li>
              <Link to="/admin">Admin</Link>
            </li>
          ) : null}
          <li>
            <button
              type="button"
              onClick={() => {
                void signOut().then(() => navigate('/'));
              }}
            >
              Sign out
            </button>
          </li>
        </ul>
      ) : null}
    </div>
  );
}

export function Navbar() {
  const [params] = useSearchParams();
  const location = useLocation();
  const term = location.pathname === '/products' ? (params.get('q') ?? '') : '';
  const cart = useCart();
  const count = cart.data?.item_count ?? 0;
  return (
    <header className="navbar">
      <div className="navbar-inner">
        <Link to="/" className="brand">
          <img src="/favicon.svg" alt="" width="28" height="28" />
          Edgecart
        </Link>
        <SearchBox key={term} current={term} />
        <nav aria-label="Main" className="nav">
          <NavLink to="/products" className="nav-link" end>
            Shop
          </NavLink>
          <NavLink to="/cart" className="nav-link cart-link" aria-label={`Cart, ${count} ${count === 1 ? 'item' : 'items'}`}>
            Cart{' '}
            <span className="cart-count" data-testid="cart-count">
              {count}
            </span>
          </NavLink>
          <AccountMenu />
        </nav>
      </div>
    </header>
  );
}
