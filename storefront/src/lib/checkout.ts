// Checkout attempts. An order is placed with an Idempotency-Key: the same key
// and body always give the same order, so a double click or a retry after a
// lost answer never makes a second one. The key is kept in sessionStorage with
// the body it was used for, from before the request leaves until the order
// settles, so a reload finds it and asks again with the same key instead of
// placing a new order.
import type { ShippingAddress } from '../api/types';

export interface CheckoutBody {
  payment_method: string;
  address: ShippingAddress;
}

export interface Attempt {
  key: string;
  body: CheckoutBody;
  orderId?: number;
}

type Store = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const KEY = 'edgecart.checkout';

export function loadAttempt(store: Store): Attempt | null {
  try {
    const raw = store.getItem(KEY);
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<Attempt>;
    if (typeof parsed.key !== 'string' || typeof parsed.body !== 'object' || parsed.body === null) return null;
    return parsed as Attempt;
  } catch {
    return null;
  }
}

export function saveAttempt(store: Store, attempt: Attempt): void {
  store.setItem(KEY, JSON.stringify(attempt));
}

export function clearAttempt(store: Store): void {
  store.removeItem(KEY);
}

/** Key order does not matter; undefined and '' optional fields are the same. */
function canonical(body: CheckoutBody): string {
  const address = Object.fromEntries(
    Object.entries(body.address)
      .filter(([, v]) => v !== undefined && v !== '')
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return JSON.stringify({ payment_method: body.payment_method, address });
}

export function sameBody(a: CheckoutBody, b: CheckoutBody): boolean {
  return canonical(a) === canonical(b);
}

/**
 * The attempt to send `body` with: the stored one when it was for the same
 * body (a double click, or a retry after an error), otherwise a new key, which
 * is stored before the request is sent.
 */
export function attemptFor(store: Store, body: CheckoutBody, newKey: () => string = () => crypto.randomUUID()): Attempt {
  const stored = loadAttempt(store);
  if (stored && sameBody(stored.body, body)) return stored;
  const attempt: Attempt = { key: `checkout-${newKey()}`, body };
  saveAttempt(store, attempt);
  return attempt;
}

/** The request body the API takes: optional fields left out when empty, the country upper-case. */
export function checkoutBody(paymentMethod: string, address: Record<keyof ShippingAddress, string>): CheckoutBody {
  const a: ShippingAddress = {
    name: address.name.trim(),
    line1: address.line1.trim(),
    city: address.city.trim(),
    postal_code: address.postal_code.trim(),
    country: address.country.trim().toUpperCase(),
  };
  for (const k of ['line2', 'region', 'phone'] as const) {
    const v = address[k].trim();
    if (v) a[k] = v;
  }
  return { payment_method: paymentMethod, address: a };
}

/** The embedded sandbox gateway's test cards (host/commerce/src/payments/sandbox.rs). */
export const TEST_CARDS = [
  { method: 'pm_card_visa', label: 'Visa 4242 4242 4242 4242', outcome: 'pays' },
  { method: 'pm_card_mastercard', label: 'Mastercard 5555 5555 5555 4444', outcome: 'pays' },
  { method: 'pm_card_amex', label: 'American Express 3782 822463 10005', outcome: 'pays' },
  { method: 'pm_card_chargeDeclined', label: 'Visa 4000 0000 0000 0002', outcome: 'is declined' },
  { method: 'pm_card_chargeDeclinedInsufficientFunds', label: 'Visa 4000 0000 0000 9995', outcome: 'is declined: insufficient funds' },
  { method: 'pm_card_chargeDeclinedExpiredCard', label: 'Visa 4000 0000 0000 0069', outcome: 'is declined: expired card' },
] as const;

/** A failed order's reason ("pay: payment declined: Your card has insufficient funds.") for the shopper. */
export function failureText(reason: string | null): string {
  if (!reason) return 'The payment did not go through.';
  const m = /^(?:\w+: )?payment (?:declined|failed): (.*)$/s.exec(reason);
  if (m?.[1]) return `Your payment was declined: ${m[1].trim()}`;
  return `The order could not be completed: ${reason}`;
}
