// Money display. Amounts are integer minor units with an ISO 4217 code, as the
// API sends them; they are turned into decimal strings by integer arithmetic
// and only then formatted, so no float ever touches a price.
import type { Cart, Money, Notice } from '../api/types';

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale: string): Intl.NumberFormat {
  const key = `${locale}:${currency}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'currency', currency });
    formatters.set(key, f);
  }
  return f;
}

/** Digits after the decimal point of a currency (2 for EUR, 0 for JPY). */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** `1999` minor units of EUR → `"19.99"`. */
export function toDecimal(amount: number, currency: string): `${number}` {
  const digits = minorDigits(currency);
  const negative = amount < 0;
  const abs = String(Math.abs(Math.trunc(amount)));
  if (digits === 0) return `${negative ? '-' : ''}${abs}` as `${number}`;
  const padded = abs.padStart(digits + 1, '0');
  const whole = padded.slice(0, -digits);
  const fraction = padded.slice(-digits);
  return `${negative ? '-' : ''}${whole}.${fraction}` as `${number}`;
}

/** `{amount: 1999, currency: 'EUR'}` → `"€19.99"` (in the page's locale). */
export function formatMoney(money: Money, locale = 'en-IE'): string {
  // Intl formats decimal strings exactly (no float conversion).
  return formatter(money.currency, locale).format(toDecimal(money.amount, money.currency));
}

/** A product's price: one price, or "from" the lowest when variants differ. */
export function formatPriceRange(range: { min: Money; max: Money }, locale?: string): string {
  if (range.min.amount === range.max.amount) return formatMoney(range.min, locale);
  return `${formatMoney(range.min, locale)} – ${formatMoney(range.max, locale)}`;
}

/**
 * Parses what a person types as a price ("19.9", "19,90", "20") into minor
 * units; null when it is not a non-negative amount with at most the currency's
 * decimals.
 */
export function parseMoney(input: string, currency = 'EUR'): number | null {
  const digits = minorDigits(currency);
  const s = input.trim().replace(',', '.');
  const re = digits === 0 ? /^\d+$/ : new RegExp(`^(\\d+)(?:\\.(\\d{1,${digits}}))?$`);
  const m = re.exec(s);
  if (!m) return null;
  const whole = m[1] ?? s;
  const fraction = (m[2] ?? '').padEnd(digits, '0');
  const value = Number(whole + fraction);
  return Number.isSafeInteger(value) ? value : null;
}

export interface SummaryRow {
  label: string;
  value: string;
  emphasis?: boolean;
}

/** The rows of a cart's totals box, as the cart component computed them. */
export function cartSummary(cart: Cart, locale?: string): SummaryRow[] {
  const items = cart.item_count === 1 ? '1 item' : `${cart.item_count} items`;
  return [
    { label: `Subtotal (${items})`, value: formatMoney(cart.subtotal, locale) },
    { label: 'Shipping', value: cart.shipping.amount === 0 ? 'Free' : formatMoney(cart.shipping, locale) },
    { label: `Tax (${cart.tax_rate}, ${cart.country})`, value: formatMoney(cart.tax, locale) },
    { label: 'Total', value: formatMoney(cart.total, locale), emphasis: true },
  ];
}

/** What a cart line's notice means for the shopper, in words. */
export function noticeText(notice: Notice, current: Money | null | undefined, locale?: string): string {
  switch (notice.code) {
    case 'price_changed':
      return notice.previous && current
        ? `The price changed from ${formatMoney(notice.previous, locale)} to ${formatMoney(current, locale)}.`
        : 'The price changed since you added this.';
    case 'insufficient_stock':
      return notice.available === 0 || notice.available === undefined
        ? 'This is out of stock now: remove it to check out.'
        : `Only ${notice.available} left: lower the quantity to check out.`;
    case 'unavailable':
      return 'This is no longer sold: remove it to check out.';
    case 'quantity_capped':
      return notice.available === undefined ? 'The quantity was lowered to what is in stock.' : `The quantity was lowered to the ${notice.available} in stock.`;
  }
}

/** How much of a variant is left, in words. */
export function stockText(stock: number): string {
  if (stock <= 0) return 'Out of stock';
  if (stock <= 5) return `Only ${stock} left`;
  return 'In stock';
}
