// The shopper's account: details, password, address book and orders.
import { useState } from 'react';
import { Link } from 'react-router';
import { useQueryClient } from '@tanstack/react-query';
import { ApiError, api } from '../api/client';
import { keys, useMe, useMyOrders } from '../api/queries';
import type { Address, Me } from '../api/types';
import { useSession } from '../auth/session';
import { ADDRESS_FIELDS, AddressFields, addressRules, emptyAddress, type AddressField } from '../components/AddressFields';
import { Field } from '../components/Field';
import { StatusBadge } from '../components/OrderDetails';
import { Empty, ErrorState, FormError, Loading, errorMessage } from '../components/States';
import { checkoutBody } from '../lib/checkout';
import { countryName } from '../lib/countries';
import { useForm } from '../lib/form';
import { formatMoney } from '../lib/money';
import { formatDate } from '../lib/orders';
import { useTitle } from '../lib/title';
import { maxLength, password, phone, required, sameAs, serverFieldErrors } from '../lib/validation';

function Details({ me }: { me: Me }) {
  const client = useQueryClient();
  const form = useForm({ name: me.name, phone: me.phone }, { name: [maxLength(100)], phone: [phone, maxLength(30)] });
  const [saved, setSaved] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setSaved(false);
    try {
      const updated = await api.request('patch', '/api/users/me', { body: { name: v.name.trim(), phone: v.phone.trim() } });
      client.setQueryData(keys.me, updated);
      api.updateUser(updated);
      setSaved(true);
    } catch (e) {
      form.setServerErrors(e instanceof ApiError && Object.keys(e.fields).length ? serverFieldErrors(e.fields, ['name', 'phone']) : { _form: errorMessage(e) });
    }
  });
  return (
    <section className="panel" aria-labelledby="details-title">
      <h2 id="details-title">Your details</h2>
      <p>
        Signed in as <strong>{me.email}</strong>
        {me.role === 'admin' ? ' (administrator)' : ''}
      </p>
      <form onSubmit={submit} noValidate>
        <Field label="Name" autoComplete="name" {...form.field('name')} />
        <Field label="Phone" type="tel" autoComplete="tel" {...form.field('phone')} />
        <FormError message={form.formError} />
        {saved ? (
          <p className="success" role="status">
            Saved.
          </p>
        ) : null}
        <button type="submit" className="button">
          Save details
        </button>
      </form>
    </section>
  );
}

function ChangePassword() {
  const { signOut } = useSession();
  const form = useForm(
    { current: '', next: '', confirm: '' },
    { current: [required('Your current password')], next: [required('A new password'), password], confirm: [sameAs('next', 'The passwords do not match.')] },
  );
  const submit = form.onSubmit(async (v) => {
    try {
      await api.request('post', '/api/users/me/password', { body: { current_password: v.current, new_password: v.next } });
      // Changing the password ends every session, this one's refresh token included.
      await signOut();
    } catch (e) {
      if (e instanceof ApiError && e.fields['new_password']) form.setServerErrors({ next: e.fields['new_password'] });
      else if (e instanceof ApiError && e.fields['current_password']) form.setServerErrors({ current: e.fields['current_password'] });
      else form.setServerErrors({ _form: errorMessage(e) });
    }
  });
  return (
    <section className="panel" aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <form onSubmit={submit} noValidate>
        <Field label="Current password" type="password" autoComplete="current-password" {...form.field('current')} />
        <Field label="New password" type="password" autoComplete="new-password" hint="You will be signed out everywhere afterwards." {...form.field('next')} />
        <Field label="New password again" type="password" autoComplete="new-password" {...form.field('confirm')} />
        <FormError message={form.formError} />
        <button type="submit" className="button">
          Change password
        </button>
      </form>
    </section>
  );
}

function AddressForm({ address, onDone }: { address?: Address; onDone: () => void }) {
  const client = useQueryClient();
  const form = useForm(
    address
      ? {
          name: address.name,
          line1: address.line1,
          line2: address.line2,
          city: address.city,
          postal_code: address.postal_code,
          region: address.region,
          country: address.country,
          phone: address.phone,
        }
      : emptyAddress(),
    addressRules,
  );
  const [isDefault, setDefault] = useState(address?.is_default ?? false);
  const submit = form.onSubmit(async (v: Record<AddressField, string>) => {
    const fields = checkoutBody('', v).address;
    const body = { ...fields, line2: v.line2.trim(), region: v.region.trim(), phone: v.phone.trim(), is_default: isDefault };
    try {
      if (address) await api.request('patch', '/api/users/me/addresses/{id}', { path: { id: address.id }, body });
      else await api.request('post', '/api/users/me/addresses', { body });
      await client.invalidateQueries({ queryKey: keys.me });
      onDone();
    } catch (e) {
      form.setServerErrors(e instanceof ApiError && Object.keys(e.fields).length ? serverFieldErrors(e.fields, ADDRESS_FIELDS) : { _form: errorMessage(e) });
    }
  });
  return (
    <form onSubmit={submit} noValidate className="address-form">
      <AddressFields field={form.field} />
      <label className="check">
        <input type="checkbox" checked={isDefault} onChange={(e) => setDefault(e.target.checked)} />
        Use as my default address
      </label>
      <FormError message={form.formError} />
      <div className="button-row">
        <button type="submit" className="button button-primary">
          {address ? 'Save address' : 'Add address'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function Addresses({ me }: { me: Me }) {
  const client = useQueryClient();
  const [editing, setEditing] = useState<number | 'new' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const remove = async (a: Address) => {
    setError(null);
    try {
      await api.request('delete', '/api/users/me/addresses/{id}', { path: { id: a.id } });
      await client.invalidateQueries({ queryKey: keys.me });
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <section className="panel" aria-labelledby="addresses-title">
      <h2 id="addresses-title">Addresses</h2>
      {me.addresses.length === 0 && editing !== 'new' ? <p className="muted">No saved addresses yet.</p> : null}
      <ul className="address-list">
        {me.addresses.map((a) =>
          editing === a.id ? (
            <li key={a.id}>
              <AddressForm address={a} onDone={() => setEditing(null)} />
            </li>
          ) : (
            <li key={a.id} className="address-card">
              <address>
                <strong>{a.name}</strong>
                {a.is_default ? <span className="badge">Default</span> : null}
                <span className="address-line">{a.line1}</span>
                {a.line2 ? <span className="address-line">{a.line2}</span> : null}
                <span className="address-line">
                  {a.postal_code} {a.city}
                </span>
                <span className="address-line">{countryName(a.country)}</span>
              </address>
              <div className="button-row">
                <button type="button" className="link-button" onClick={() => setEditing(a.id)} aria-label={`Edit address ${a.line1}`}>
                  Edit
                </button>
                <button type="button" className="link-button" onClick={() => void remove(a)} aria-label={`Delete address ${a.line1}`}>
                  Delete
                </button>
              </div>
            </li>
          ),
        )}
      </ul>
      <FormError message={error ?? undefined} />
      {editing === 'new' ? (
        <AddressForm onDone={() => setEditing(null)} />
      ) : (
        <button type="button" className="button" onClick={() => setEditing('new')}>
          Add an address
        </button>
      )}
    </section>
  );
}

function Orders() {
  const orders = useMyOrders(true);
  return (
    <section className="panel" id="orders" aria-labelledby="orders-title">
      <h2 id="orders-title">Orders</h2>
      {orders.isPending ? (
        <Loading label="Loading your orders…" />
      ) : orders.isError ? (
        <ErrorState error={orders.error} retry={() => void orders.refetch()} />
      ) : orders.data.items.length === 0 ? (
        <Empty title="No orders yet">
          <Link to="/products">Start shopping</Link>
        </Empty>
      ) : (
        <table className="table">
          <caption className="visually-hidden">Your orders, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Order</th>
              <th scope="col">Date</th>
              <th scope="col">Status</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {orders.data.items.map((o) => (
              <tr key={o.id} data-testid="order-row">
                <td>
                  <Link to={`/account/orders/${o.id}`}>#{o.id}</Link>
                </td>
                <td>{formatDate(o.created_at)}</td>
                <td>
                  <StatusBadge status={o.status} />
                </td>
                <td>{formatMoney(o.total)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function Profile() {
  useTitle('Your account');
  const me = useMe(true);
  if (me.isPending) return <Loading label="Loading your account…" />;
  if (me.isError) return <ErrorState error={me.error} retry={() => void me.refetch()} />;
  return (
    <div className="page account">
      <h1>Your account</h1>
      <div className="account-grid">
        <Orders />
        <Details me={me.data} />
        <Addresses me={me.data} />
        <ChangePassword />
      </div>
    </div>
  );
}
