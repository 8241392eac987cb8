// A small form state hook: values, inline errors shown once a field was left
// (or on submit), and server errors mapped onto the same fields.
import { useCallback, useMemo, useState, type ChangeEvent, type FormEvent } from 'react';
import { validate, type Rules } from './validation';

export interface FieldProps {
  name: string;
  value: string;
  error: string | undefined;
  onChange: (e: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => void;
  onBlur: () => void;
}

export function useForm<F extends string>(initial: Record<F, string>, rules: Rules<F>) {
  const [values, setValues] = useState(initial);
  const [touched, setTouched] = useState<Partial<Record<F, boolean>>>({});
  const [server, setServer] = useState<Partial<Record<F | '_form', string>>>({});
  const errors = useMemo(() => validate(values, rules), [values, rules]);

  const field = useCallback(
    (name: F): FieldProps => ({
      name,
      value: values[name],
      error: (touched[name] ? errors[name] : undefined) ?? server[name],
      onChange: (e) => {
        const value = e.target.value;
        setValues((v) => ({ ...v, [name]: value }));
        setServer((s) => ({ ...s, [name]: undefined }));
      },
      onBlur: () => setTouched((t) => ({ ...t, [name]: true })),
    }),
    [values, touched, errors, server],
  );

  /** Runs `submit` when every field is valid; otherwise shows every error and focuses the first. */
  const onSubmit = useCallback(
    (submit: (values: Record<F, string>) => void | Promise<void>) => (e: FormEvent) => {
      e.preventDefault();
      const all = Object.fromEntries(Object.keys(values).map((k) => [k, true])) as Record<F, boolean>;
      setTouched(all);
      const firstInvalid = (Object.keys(values) as F[]).find((k) => errors[k]);
      if (firstInvalid) {
        (e.currentTarget as HTMLFormElement).querySelector<HTMLElement>(`[name="${firstInvalid}"]`)?.focus();
        return;
      }
      void submit(values);
    },
    [values, errors],
  );

  return {
    values,
    setValues,
    field,
    onSubmit,
    formError: server._form,
    setServerErrors: setServer,
  };
}
