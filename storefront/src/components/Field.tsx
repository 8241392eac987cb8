// A labelled form control with its inline error, announced to screen readers.
import { useId, type ReactNode } from 'react';
import type { FieldProps } from '../lib/form';

interface Props extends FieldProps {
  label: string;
  type?: string;
  hint?: ReactNode;
  autoComplete?: string;
  required?: boolean;
  inputMode?: 'text' | 'numeric' | 'decimal' | 'email' | 'tel';
  multiline?: boolean;
  options?: readonly { value: string; label: string }[];
}

export function Field({ label, error, hint, type = 'text', multiline, options, required, ...input }: Props) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    'aria-required': required || undefined,
    ...input,
  };
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      {options ? (
        <select {...common}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : multiline ? (
        <textarea rows={5} {...common} />
      ) : (
        <input type={type} {...common} />
      )}
      {hint ? (
        <p className="hint" id={hintId}>
          {hint}
        </p>
      ) : null}
      {error ? (
        <p className="error-text" id={errorId} role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
