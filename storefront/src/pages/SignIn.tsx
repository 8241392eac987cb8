// Sign in and register. Both return to where the shopper came from.
import { useState } from 'react';
import { Link, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useSession } from '../auth/session';
import { Field } from '../components/Field';
import { FormError, errorMessage } from '../components/States';
import { useForm } from '../lib/form';
import { useTitle } from '../lib/title';
import { email, password, required, sameAs, serverFieldErrors } from '../lib/validation';

function useReturnTo(): string {
  const state: unknown = useLocation().state;
  const from = typeof state === 'object' && state !== null && 'from' in state ? state.from : null;
  const authPage = /^\/account\/(signin|register|reset)\b/;
  return typeof from === 'string' && from.startsWith('/') && !authPage.test(from) ? from : '/account';
}

const signInRules = { email: [required('Your email'), email], password: [required('Your password')] };

export function SignIn() {
  useTitle('Sign in');
  const { signIn } = useSession();
  const navigate = useNavigate();
  const returnTo = useReturnTo();
  const form = useForm({ email: '', password: '' }, signInRules);
  const [busy, setBusy] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setBusy(true);
    try {
      await signIn(v.email.trim(), v.password);
      void navigate(returnTo, { replace: true });
    } catch (e) {
      const message =
        e instanceof ApiError && e.status === 401
          ? 'That email and password do not match an account.'
          : e instanceof ApiError && e.status === 429
            ? 'Too many attempts. Wait a few minutes, or reset your password.'
            : errorMessage(e);
      form.setServerErrors({ _form: message });
      setBusy(false);
    }
  });
  return (
    <section className="page narrow auth">
      <h1>Sign in</h1>
      <form onSubmit={submit} noValidate className="panel">
        <Field label="Email" type="email" autoComplete="email" inputMode="email" required {...form.field('email')} />
        <Field label="Password" type="password" autoComplete="current-password" required {...form.field('password')} />
        <FormError message={form.formError} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p>
        <Link to="/account/reset">Forgot your password?</Link>
      </p>
      <p>
        New here?{' '}
        <Link to="/account/register" state={{ from: returnTo }}>
          Create an account
        </Link>
      </p>
    </section>
  );
}

const registerRules = {
  name: [required('Your name')],
  email: [required('Your email'), email],
  password: [required('A password'), password],
  confirm: [required('The password again'), sameAs('password', 'The passwords do not match.')],
};

export function Register() {
  useTitle('Create an account');
  const { register } = useSession();
  const navigate = useNavigate();
  const returnTo = useReturnTo();
  const form = useForm({ name: '', email: '', password: '', confirm: '' }, registerRules);
  const [busy, setBusy] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setBusy(true);
    try {
      await register({ name: v.name.trim(), email: v.email.trim(), password: v.password });
      void navigate(returnTo, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'email_taken') form.setServerErrors({ email: 'An account with this email exists already: sign in instead.' });
      else if (e instanceof ApiError && Object.keys(e.fields).length) form.setServerErrors(serverFieldErrors(e.fields, ['name', 'email', 'password']));
      else form.setServerErrors({ _form: errorMessage(e) });
      setBusy(false);
    }
  });
  return (
    <section className="page narrow auth">
      <h1>Create an account</h1>
      <form onSubmit={submit} noValidate className="panel">
        <Field label="Name" autoComplete="name" required {...form.field('name')} />
        <Field label="Email" type="email" autoComplete="email" inputMode="email" required {...form.field('email')} />
        <Field
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          hint="10 to 128 characters; not a common password."
          {...form.field('password')}
        />
        <Field label="Password again" type="password" autoComplete="new-password" required {...form.field('confirm')} />
        <FormError message={form.formError} />
        <button type="submit" className="button button-primary button-block" disabled={busy}>
          {busy ? 'Creating your account…' : 'Create account'}
        </button>
      </form>
      <p>
        Have an account?{' '}
        <Link to="/account/signin" state={{ from: returnTo }}>
          Sign in
        </Link>
      </p>
    </section>
  );
}
