import { describe, expect, it } from 'vitest';
import type { Cart } from '../api/types';
import { cartSummary, formatMoney, formatPriceRange, noticeText, parseMoney, stockText, toDecimal } from './money';

const eur = (amount: number) => ({ amount, currency: 'EUR' });

describe('money', () => {
  it('turns minor units into decimals without floats', () => {
    expect(toDecimal(1999, 'EUR')).toBe('19.99');
    expect(toDecimal(5, 'EUR')).toBe('0.05');
    expect(toDecimal(0, 'EUR')).toBe('0.00');
    expect(toDecimal(1000, 'JPY')).toBe('1000');
    // 0.1 + 0.2 style errors cannot happen: 2^53 - 1 cents is exact.
    expect(toDecimal(9007199254740991, 'EUR')).toBe('90071992547409.91');
  });

  it('formats with the currency', () => {
    expect(formatMoney(eur(1999), 'en-IE')).toBe('€19.99');
    expect(formatMoney(eur(123456), 'de-DE')).toBe('1.234,56\u00a0€');
    expect(formatMoney({ amount: 500, currency: 'JPY' }, 'en-IE')).toBe('JP¥500');
    expect(formatMoney({ amount: 995, currency: 'USD' }, 'en-US')).toBe('$9.95');
  });

  it('shows a range only when variants differ', () => {
    expect(formatPriceRange({ min: eur(1890), max: eur(1890) }, 'en-IE')).toBe('€18.90');
    expect(formatPriceRange({ min: eur(1890), max: eur(2490) }, 'en-IE')).toBe('€18.90 – €24.90');
  });

  it('parses typed prices into minor units', () => {
    expect(parseMoney('19.9')).toBe(1990);
    expect(parseMoney('19,90')).toBe(1990);
    expect(parseMoney(' 20 ')).toBe(2000);
    expect(parseMoney('0.05')).toBe(5);
    expect(parseMoney('19.999')).toBeNull();
    expect(parseMoney('-1')).toBeNull();
    expect(parseMoney('abc')).toBeNull();
    expect(parseMoney('500', 'JPY')).toBe(500);
    expect(parseMoney('5.5', 'JPY')).toBeNull();
  });

  it('words stock levels', () => {
    expect(stockText(0)).toBe('Out of stock');
    expect(stockText(3)).toBe('Only 3 left');
    expect(stockText(40)).toBe('In stock');
  });
});

const cart: Cart = {
  cart_token: null,
  currency: 'EUR',
  country: 'DE',
  lines: [],
  item_count: 3,
  subtotal: eur(4470),
  shipping: eur(495),
  tax_rate: '19%',
  tax: eur(943),
  total: eur(5908),
  checkout_ready: true,
};

describe('cart totals display', () => {
  it('shows the totals the cart computed', () => {
    expect(cartSummary(cart, 'en-IE')).toEqual([
      { label: 'Subtotal (3 items)', value: '€44.70' },
      { label: 'Shipping', value: '€4.95' },
      { label: 'Tax (19%, DE)', value: '€9.43' },
      { label: 'Total', value: '€59.08', emphasis: true },
    ]);
  });

  it('says free shipping and one item', () => {
    const rows = cartSummary({ ...cart, item_count: 1, shipping: eur(0) }, 'en-IE');
    expect(rows[0]?.label).toBe('Subtotal (1 item)');
    expect(rows[1]?.value).toBe('Free');
  });

  it('explains every notice', () => {
    expect(noticeText({ code: 'price_changed', message: '', previous: eur(1900) }, eur(2100), 'en-IE')).toBe('The price changed from €19.00 to €21.00.');
    expect(noticeText({ code: 'insufficient_stock', message: '', available: 2 }, eur(1), 'en-IE')).toBe('Only 2 left: lower the quantity to check out.');
    expect(noticeText({ code: 'insufficient_stock', message: '', available: 0 }, eur(1))).toMatch(/out of stock/);
    expect(noticeText({ code: 'unavailable', message: '' }, null)).toMatch(/no longer sold/);
    expect(noticeText({ code: 'quantity_capped', message: '', available: 4 }, null)).toBe('The quantity was lowered to the 4 in stock.');
  });
});
