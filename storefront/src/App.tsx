// The routes. Shop pages load with the first bundle; the admin pages are a
// separate chunk fetched only when an admin opens them.
import { lazy, Suspense, useEffect, useRef } from 'react';
import { createBrowserRouter, Outlet, ScrollRestoration, useLocation } from 'react-router';
import { Footer } from './components/Footer';
import { Navbar } from './components/Navbar';
import { Loading } from './components/States';
import { RequireAdmin, RequireSignIn } from './auth/guards';
import { Home } from './pages/Home';
import { Listing } from './pages/Listing';
import { ProductPage } from './pages/Product';
import { CartPage } from './pages/Cart';
import { Checkout } from './pages/Checkout';
import { SignIn, Register } from './pages/SignIn';
import { PasswordReset } from './pages/PasswordReset';
import { Profile } from './pages/Profile';
import { OrderPage } from './pages/Order';
import { NotFound } from './pages/NotFound';

const Admin = lazy(() => import('./pages/admin/Admin'));

/** Moves focus to the page's heading after a client-side navigation, as a page load would. */
function FocusOnNavigate() {
  const { pathname } = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = document.querySelector<HTMLElement>('main h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: true });
    }
  }, [pathname]);
  return null;
}

function Layout() {
  return (
    <>
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <Navbar />
      <main id="main" className="main">
        <Outlet />
      </main>
      <Footer />
      <ScrollRestoration />
      <FocusOnNavigate />
    </>
  );
}

export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: '/', element: <Home /> },
      { path: '/products', element: <Listing /> },
      { path: '/products/:slug', element: <ProductPage /> },
      { path: '/cart', element: <CartPage /> },
      { path: '/checkout', element: <Checkout /> },
      { path: '/account/signin', element: <SignIn /> },
      { path: '/account/register', element: <Register /> },
      { path: '/account/reset', element: <PasswordReset /> },
      {
        path: '/account',
        element: (
          <RequireSignIn>
            <Profile />
          </RequireSignIn>
        ),
      },
      {
        path: '/account/orders/:id',
        element: (
          <RequireSignIn>
            <OrderPage />
          </RequireSignIn>
        ),
      },
      {
        path: '/admin/*',
        element: (
          <RequireAdmin>
            <Suspense fallback={<Loading label="Loading the admin…" />}>
              <Admin />
            </Suspense>
          </RequireAdmin>
        ),
      },
      { path: '*', element: <NotFound /> },
    ],
  },
]);
