// Password reset: ask for a link by email; the link (/account/reset?token=…)
// opens the form that sets a new password.
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { ApiError, api } from '../api/client';
import { Field } from '../components/Field';
import { FormError, errorMessage } from '../components/States';
import { useForm } from '../lib/form';
import { useTitle } from '../lib/title';
import { email, password, required, sameAs } from '../lib/validation';

function RequestLink() {
  const form = useForm({ email: '' }, { email: [required('Your email'), email] });
  const [sent, setSent] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setBusy(true);
    try {
      await api.request('post', '/api/users/password-reset', { body: { email: v.email.trim() } });
      setSent(v.email.trim());
    } catch (e) {
      form.setServerErrors({ _form: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  });
  if (sent) {
    return (
      <p className="success panel" role="status">
        If {sent} has an account, a reset link is on its way. It works once, for 30 minutes.
      </p>
    );
  }
  return (
    <form onSubmit={submit} noValidate className="panel">
      <p>Enter your account's email and we will send you a link to set a new password.</p>
      <Field label="Email" type="email" autoComplete="email" inputMode="email" required {...form.field('email')} />
      <FormError message={form.formError} />
      <button type="submit" className="button button-primary button-block" disabled={busy}>
        Send reset link
      </button>
    </form>
  );
}

function SetPassword({ token }: { token: string }) {
  const form = useForm(
    { password: '', confirm: '' },
    { password: [required('A new password'), password], confirm: [required('The password again'), sameAs('password', 'The passwords do not match.')] },
  );
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = form.onSubmit(async (v) => {
    setBusy(true);
    try {
      await api.request('post', '/api/users/password-reset/confirm', { body: { token, password: v.password } });
      setDone(true);
    } catch (e) {
      if (e instanceof ApiError && e.fields['password']) form.setServerErrors({ password: e.fields['password'] });
      else form.setServerErrors({ _form: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  });
  if (done) {
    return (
      <div className="success panel" role="status">
        <p>Your password is changed, and every other session of your account has ended.</p>
        <Link to="/account/signin" className="button button-primary">
          Sign in
        </Link>
      </div>
    );
  }
  return (
    <form onSubmit={submit} noValidate className="panel">
      <Field label="New password" type="password" autoComplete="new-password" required hint="10 to 128 characters." {...form.field('password')} />
      <Field label="New password again" type="password" autoComplete="new-password" required {...form.field('confirm')} />
      <FormError message={form.formError} />
      <button type="submit" className="button button-primary button-block" disabled={busy}>
        Set new password
      </button>
    </form>
  );
}

export function PasswordReset() {
  const [params] = useSearchParams();
  const token = params.get('token');
  useTitle(token ? 'Set a new password' : 'Reset your password');
  return (
    <section className="page narrow auth">
      <h1>{token ? 'Set a new password' : 'Reset your password'}</h1>
      {token ? <SetPassword token={token} /> : <RequestLink />}
    </section>
  );
}
