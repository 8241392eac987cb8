// Checkout: account (register or sign in on the spot), address, shipping,
// payment with the sandbox test cards, then the order. Placing the order is
// idempotent: see src/lib/checkout.ts.
import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../api/client';
import { isPaid, keys, useCart, useMe, useOrder } from '../api/queries';
import type { Address, Cart, Order } from '../api/types';
import { useSession } from '../auth/session';
import { ADDRESS_FIELDS, AddressFields, addressRules, emptyAddress, type AddressField } from '../components/AddressFields';
import { Field } from '../components/Field';
import { Empty, ErrorState, FormError, Loading, errorMessage } from '../components/States';
import { TEST_CARDS, attemptFor, checkoutBody, clearAttempt, failureText, loadAttempt, saveAttempt, type Attempt } from '../lib/checkout';
import { countryName } from '../lib/countries';
import { useForm } from '../lib/form';
import { formatMoney } from '../lib/money';
import { useTitle } from '../lib/title';
import { email, password, required, serverFieldErrors } from '../lib/validation';
import { Totals, lineOptions } from './Cart';

const store = () => sessionStorage;

/** Requests in flight by key, so a page never sends the same attempt twice at once. */
const inFlight = new Map<string, Promise<Order>>();

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

/** Sends an attempt; a 409 `idempotency_in_progress` (the first send still running) is asked again. */
function place(attempt: Attempt): Promise<Order> {
  let p = inFlight.get(attempt.key);
  if (!p) {
    p = (async () => {
      for (let i = 0; ; i++) {
        try {
          return await api.request('post', '/api/orders/checkout', { body: attempt.body, headers: { 'idempotency-key': attempt.key } });
        } catch (e) {
          if (!(e instanceof ApiError && e.code === 'idempotency_in_progress') || i >= 20) throw e;
          await sleep(300);
        }
      }
    })().finally(() => inFlight.delete(attempt.key));
    inFlight.set(attempt.key, p);
  }
  return p;
}

function OrderLines({ cart }: { cart: Cart }) {
  return (
    <ul className="mini-lines">
      {cart.lines.map((l) => (
        <li key={l.variant_id}>
          <span>
            {l.quantity} × {l.title}
            {l.options ? <span className="muted"> ({lineOptions(l.options)})</span> : null}
          </span>
          <span>{l.line_total ? formatMoney(l.line_total) : '—'}</span>
        </li>
      ))}
    </ul>
  );
}

function GuestCheckout() {
  const { register } = useSession();
  const location = useLocation();
  const form = useForm(
    { name: '', email: '', password: '' },
    { name: [required('Your name')], email: [required('Your email'), email], password: [required('A password'), password] },
  );
  const [busy, setBusy] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setBusy(true);
    try {
      await register({ name: v.name.trim(), email: v.email.trim(), password: v.password });
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length) form.setServerErrors(serverFieldErrors(e.fields, ['name', 'email', 'password']));
      else
        form.setServerErrors({
          _form: e instanceof ApiError && e.code === 'email_taken' ? 'An account with this email exists: sign in instead.' : errorMessage(e),
        });
      setBusy(false);
    }
  });
  return (
    <section className="panel" aria-labelledby="account-step">
      <h2 id="account-step">1. Your account</h2>
      <p>
        Create an account to place your order and follow it. Already have one?{' '}
        <Link to="/account/signin" state={{ from: location.pathname }}>
          Sign in
        </Link>
        .
      </p>
      <form onSubmit={submit} noValidate>
        <Field label="Name" autoComplete="name" required {...form.field('name')} />
        <Field label="Email" type="email" autoComplete="email" inputMode="email" required {...form.field('email')} />
        <Field label="Password" type="password" autoComplete="new-password" required hint="At least 10 characters." {...form.field('password')} />
        <FormError message={form.formError} />
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account and continue'}
        </button>
      </form>
    </section>
  );
}

function addressValues(a: Address): Record<AddressField, string> {
  return { name: a.name, line1: a.line1, line2: a.line2, city: a.city, postal_code: a.postal_code, region: a.region, country: a.country, phone: a.phone };
}

function CheckoutForm({ failure, onPlace }: { failure: string | null; onPlace: (a: Attempt) => void }) {
  const me = useMe(true);
  const addresses = me.data?.addresses ?? [];
  const [choice, setChoice] = useState<number | 'new' | null>(null);
  const selected = choice === null ? (addresses[0]?.id ?? 'new') : choice;
  const savedAddress = addresses.find((a) => a.id === selected);
  const form = useForm(emptyAddress(), addressRules);
  const [save, setSave] = useState(true);
  const [method, setMethod] = useState<string>(TEST_CARDS[0].method);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submitting = useRef(false);
  const country = savedAddress?.country ?? form.values.country;
  // The totals the shopper confirms are the ones the order will charge.
  const cart = useCart(country, { fresh: true });

  if (me.isPending || (cart.isPending && !cart.data)) return <Loading label="Preparing checkout…" />;
  if (cart.isError) return <ErrorState error={cart.error} retry={() => void cart.refetch()} />;
  const c = cart.data;
  if (!c || c.lines.length === 0) {
    return (
      <Empty title="Your cart is empty">
        <Link to="/products">Find something you like</Link>
      </Empty>
    );
  }

  const placeWith = async (address: Record<AddressField, string>) => {
    if (submitting.current) return;
    submitting.current = true;
    setBusy(true);
    setError(null);
    try {
      if (!savedAddress && save) {
        const a = checkoutBody(method, address).address;
        await api.request('post', '/api/users/me/addresses', { body: { ...a, is_default: addresses.length === 0 } });
      }
      onPlace(attemptFor(store(), checkoutBody(method, address)));
    } catch (e) {
      if (e instanceof ApiError && Object.keys(e.fields).length) form.setServerErrors(serverFieldErrors(e.fields, ADDRESS_FIELDS));
      else setError(errorMessage(e));
      submitting.current = false;
      setBusy(false);
    }
  };
  const submit = (e: FormEvent) => {
    if (!savedAddress) return form.onSubmit(placeWith)(e);
    e.preventDefault();
    void placeWith(addressValues(savedAddress));
  };

  return (
    <form className="checkout-form" onSubmit={submit} noValidate>
      <div className="checkout-steps">
        <section className="panel" aria-labelledby="address-step">
          <h2 id="address-step">1. Delivery address</h2>
          {addresses.length ? (
            <fieldset className="choices">
              <legend className="visually-hidden">Choose an address</legend>
              {addresses.map((a) => (
                <label key={a.id} className="choice">
                  <input type="radio" name="address-choice" checked={selected === a.id} onChange={() => setChoice(a.id)} />
                  <span>
                    <strong>{a.name}</strong>, {a.line1}, {a.postal_code} {a.city}, {countryName(a.country)}
                  </span>
                </label>
              ))}
              <label className="choice">
                <input type="radio" name="address-choice" checked={selected === 'new'} onChange={() => setChoice('new')} />
                <span>A new address</span>
              </label>
            </fieldset>
          ) : null}
          {selected === 'new' ? (
            <>
              <AddressFields field={form.field} />
              <label className="check">
                <input type="checkbox" checked={save} onChange={(e) => setSave(e.target.checked)} />
                Save this address to my account
              </label>
            </>
          ) : null}
        </section>
        <section className="panel" aria-labelledby="shipping-step">
          <h2 id="shipping-step">2. Shipping</h2>
          <label className="choice">
            <input type="radio" name="shipping" checked readOnly />
            <span>
              Standard delivery to {countryName(country)} — <strong>{c.shipping.amount === 0 ? 'free' : formatMoney(c.shipping)}</strong>
            </span>
          </label>
        </section>
        <section className="panel" aria-labelledby="payment-step">
          <h2 id="payment-step">3. Payment</h2>
          <p className="muted">This shop takes test payments through its sandbox: pick a test card. No real card is charged.</p>
          {failure ? (
            <p className="form-error" role="alert" data-testid="payment-failure">
              {failure} Nothing was charged and your cart is as it was: choose another card and try again.
            </p>
          ) : null}
          <fieldset className="choices">
            <legend className="visually-hidden">Test card</legend>
            {TEST_CARDS.map((card) => (
              <label key={card.method} className="choice">
                <input type="radio" name="payment_method" value={card.method} checked={method === card.method} onChange={() => setMethod(card.method)} />
                <span>
                  {card.label} <span className="muted">({card.outcome})</span>
                </span>
              </label>
            ))}
          </fieldset>
        </section>
      </div>
      <aside className="summary" aria-labelledby="checkout-summary">
        <h2 id="checkout-summary">Your order</h2>
        <OrderLines cart={c} />
        <Totals cart={c} />
        {!c.checkout_ready ? (
          <p className="notice" role="status">
            Some items need attention: <Link to="/cart">review your cart</Link>.
          </p>
        ) : null}
        <FormError message={error ?? form.formError} />
        <button type="submit" className="button button-primary button-block" disabled={busy || !c.checkout_ready}>
          {busy ? 'Placing your order…' : `Pay ${formatMoney(c.total)}`}
        </button>
      </aside>
    </form>
  );
}

/** An attempt being placed and paid: sends it (again, after a reload) and follows the order. */
function PlacingOrder({ attempt, onFailed }: { attempt: Attempt; onFailed: (message: string) => void }) {
  const [orderId, setOrderId] = useState(attempt.orderId);
  const [error, setError] = useState<unknown>(null);
  const [tries, setTries] = useState(0);
  const order = useOrder(orderId);
  const client = useQueryClient();
  const navigate = useNavigate();

  useEffect(() => {
    if (orderId !== undefined) return;
    let live = true;
    place(attempt).then(
      (o) => {
        saveAttempt(store(), { ...attempt, orderId: o.id });
        if (live) setOrderId(o.id);
      },
      (e: unknown) => {
        if (!live) return;
        if (e instanceof ApiError && (e.status === 409 || e.status === 422)) {
          clearAttempt(store());
          onFailed(Object.keys(e.fields).length ? `Check your details: ${Object.values(e.fields).join('; ')}.` : errorMessage(e));
        } else setError(e);
      },
    );
    return () => {
      live = false;
    };
  }, [attempt, orderId, tries, onFailed]);

  const settled = order.data && order.data.status !== 'pending_payment' ? order.data : null;
  useEffect(() => {
    if (!settled) return;
    clearAttempt(store());
    void client.invalidateQueries({ queryKey: ['cart'] });
    void client.invalidateQueries({ queryKey: keys.orders });
    if (isPaid(settled)) void navigate(`/account/orders/${settled.id}`, { replace: true, state: { placed: true } });
    else onFailed(failureText(settled.reason));
  }, [settled, client, navigate, onFailed]);

  if (error) {
    return (
      <div className="state state-error" role="alert">
        <h2>We could not confirm your order yet</h2>
        <p>{errorMessage(error)} Trying again is safe: you will not be charged twice.</p>
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            setError(null);
            setTries((t) => t + 1);
          }}
        >
          Try again
        </button>
      </div>
    );
  }
  return <Loading label={orderId === undefined ? 'Placing your order…' : 'Confirming your payment…'} />;
}

export function Checkout() {
  useTitle('Checkout');
  const { status } = useSession();
  const [attempt, setAttempt] = useState<Attempt | null>(() => loadAttempt(store()));
  const [failure, setFailure] = useState<string | null>(null);
  const guestCart = useCart();
  const onFailed = useCallback((message: string) => {
    setAttempt(null);
    setFailure(message);
  }, []);

  let body;
  if (status === 'restoring') body = <Loading label="Checking your session…" />;
  else if (status === 'guest') {
    body =
      guestCart.data && guestCart.data.lines.length === 0 ? (
        <Empty title="Your cart is empty">
          <Link to="/products">Find something you like</Link>
        </Empty>
      ) : (
        <div className="checkout-form">
          <div className="checkout-steps">
            <GuestCheckout />
          </div>
          {guestCart.data ? (
            <aside className="summary" aria-labelledby="checkout-summary">
              <h2 id="checkout-summary">Your order</h2>
              <OrderLines cart={guestCart.data} />
              <Totals cart={guestCart.data} />
            </aside>
          ) : null}
        </div>
      );
  } else if (attempt) body = <PlacingOrder attempt={attempt} onFailed={onFailed} />;
  else
    body = (
      <CheckoutForm
        failure={failure}
        onPlace={(a) => {
          setFailure(null);
          setAttempt(a);
        }}
      />
    );
  return (
    <div className="page checkout">
      <h1>Checkout</h1>
      {body}
    </div>
  );
}
