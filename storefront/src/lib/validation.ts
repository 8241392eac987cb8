// Form validation: the same rules the API enforces, checked as the shopper
// types so mistakes show beside the field before anything is sent. The
// server stays authoritative: its 422 `details.fields` map onto the same fields.
import type { FieldErrors } from '../api/client';
import { parseOptions } from './options';

export type Rule = (value: string, all: Record<string, string>) => string | null;

export const required =
  (what = 'This field'): Rule =>
  (v) =>
    v.trim() ? null : `${what} is required.`;

export const maxLength =
  (n: number): Rule =>
  (v) =>
    v.length > n ? `Use at most ${n} characters.` : null;

export const minLength =
  (n: number): Rule =>
  (v) =>
    v.length > 0 && v.length < n ? `Use at least ${n} characters.` : null;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const email: Rule = (v) => (v.trim() === '' || EMAIL.test(v.trim()) ? null : 'Enter an email address like ann@example.com.');

/** Passwords: 10 to 128 characters and not the email (the API also refuses well-known ones). */
export const password: Rule = (v, all) => {
  if (v.length === 0) return null;
  if (v.length < 10) return 'Use at least 10 characters.';
  if (v.length > 128) return 'Use at most 128 characters.';
  if (all['email'] && v.trim().toLowerCase() === all['email'].trim().toLowerCase()) return 'Do not use your email as the password.';
  return null;
};

export const sameAs =
  (field: string, message: string): Rule =>
  (v, all) =>
    v === (all[field] ?? '') ? null : message;

export const country: Rule = (v) => (v === '' || /^[A-Za-z]{2}$/.test(v.trim()) ? null : 'Use the two-letter country code, such as DE.');

export const phone: Rule = (v) => (/^[0-9 +()\-.]*$/.test(v) ? null : 'Use digits, spaces and + ( ) - . only.');

export const wholeNumber =
  (min: number, max = Number.MAX_SAFE_INTEGER): Rule =>
  (v) => {
    if (v.trim() === '') return null;
    if (!/^\d+$/.test(v.trim())) return 'Enter a whole number.';
    const n = Number(v);
    return n < min || n > max ? `Enter a number from ${min} to ${max}.` : null;
  };

export const price: Rule = (v) => (v.trim() === '' || /^\d+([.,]\d{1,2})?$/.test(v.trim()) ? null : 'Enter a price such as 19.90.');

export const url: Rule = (v) => {
  if (v.trim() === '') return null;
  if (v.startsWith('/') || v.startsWith('data:image/')) return null;
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || u.protocol === 'http:' ? null : 'Use an http(s) address.';
  } catch {
    return 'Enter an address such as https://example.com/shirt.jpg or /images/shirt.svg.';
  }
};

export type Rules<F extends string> = Partial<Record<F, Rule[]>>;

/** Every field's first failing rule. */
export function validate<F extends string>(values: Record<F, string>, rules: Rules<F>): Partial<Record<F, string>> {
  const errors: Partial<Record<F, string>> = {};
  for (const field of Object.keys(rules) as F[]) {
    for (const rule of rules[field] ?? []) {
      const message = rule(values[field] ?? '', values);
      if (message) {
        errors[field] = message;
        break;
      }
    }
  }
  return errors;
}

/**
 * The server's field errors keyed by the form's field names: `address.city`
 * becomes `city` when `prefix` is `address.`; fields the form does not have
 * are returned under `_form`.
 */
export function serverFieldErrors<F extends string>(fields: FieldErrors, known: readonly F[], prefix = ''): Partial<Record<F | '_form', string>> {
  const out: Partial<Record<F | '_form', string>> = {};
  const other: string[] = [];
  for (const [name, message] of Object.entries(fields)) {
    const local = name.startsWith(prefix) ? name.slice(prefix.length) : name;
    if ((known as readonly string[]).includes(local)) out[local as F] = capitalise(message);
    else other.push(`${name} ${message}`);
  }
  if (other.length) out._form = capitalise(other.join('; '));
  return out;
}

function capitalise(s: string): string {
  const t = s.trim();
  const sentence = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(sentence) ? sentence : `${sentence}.`;
}

export const options: Rule = (v) => (parseOptions(v) ? null : 'Write options as name=value, separated by commas (size=M, color=Black).');
