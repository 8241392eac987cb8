import { describe, expect, it } from 'vitest';
import { attemptFor, checkoutBody, clearAttempt, failureText, loadAttempt, saveAttempt, sameBody } from './checkout';

function memoryStorage() {
  const data = new Map<string, string>();
  return {
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, v),
    removeItem: (k: string) => void data.delete(k),
  };
}

const address = { name: 'Ann Smith', line1: 'Hauptstr. 1', line2: '', city: 'Berlin', postal_code: '10115', region: '', country: 'de', phone: '' };

describe('checkout attempts', () => {
  it('builds the body the API takes', () => {
    expect(checkoutBody('pm_card_visa', address)).toEqual({
      payment_method: 'pm_card_visa',
      address: { name: 'Ann Smith', line1: 'Hauptstr. 1', city: 'Berlin', postal_code: '10115', country: 'DE' },
    });
  });

  it('reuses the key for the same order (double click, reload) and stores it before sending', () => {
    const store = memoryStorage();
    let n = 0;
    const key = () => `k${++n}`;
    const first = attemptFor(store, checkoutBody('pm_card_visa', address), key);
    expect(first.key).toBe('checkout-k1');
    expect(loadAttempt(store)).toEqual(first);
    const again = attemptFor(store, checkoutBody('pm_card_visa', { ...address }), key);
    expect(again.key).toBe('checkout-k1');
    expect(JSON.stringify(again.body)).toBe(JSON.stringify(first.body));
  });

  it('takes a new key for a different order', () => {
    const store = memoryStorage();
    let n = 0;
    const key = () => `k${++n}`;
    attemptFor(store, checkoutBody('pm_card_visa', address), key);
    expect(attemptFor(store, checkoutBody('pm_card_mastercard', address), key).key).toBe('checkout-k2');
    clearAttempt(store);
    expect(loadAttempt(store)).toBeNull();
    expect(attemptFor(store, checkoutBody('pm_card_mastercard', address), key).key).toBe('checkout-k3');
  });

  it('keeps the order id with the attempt and ignores junk', () => {
    const store = memoryStorage();
    const attempt = attemptFor(store, checkoutBody('pm_card_visa', address), () => 'x');
    saveAttempt(store, { ...attempt, orderId: 12 });
    expect(loadAttempt(store)?.orderId).toBe(12);
    store.setItem('edgecart.checkout', '{not json');
    expect(loadAttempt(store)).toBeNull();
  });

  it('compares bodies regardless of key order and empty optional fields', () => {
    const a = { payment_method: 'pm_card_visa', address: { name: 'A', line1: 'L', city: 'C', postal_code: 'P', country: 'DE' } };
    const b = { payment_method: 'pm_card_visa', address: { country: 'DE', city: 'C', line2: '', line1: 'L', postal_code: 'P', name: 'A' } };
    expect(sameBody(a, b)).toBe(true);
    expect(sameBody(a, { ...b, payment_method: 'pm_card_amex' })).toBe(false);
  });

  it('words a failed payment for the shopper', () => {
    expect(failureText('pay: payment declined: Your card has insufficient funds.')).toBe('Your payment was declined: Your card has insufficient funds.');
    expect(failureText('payment failed: gateway timeout')).toBe('Your payment was declined: gateway timeout');
    expect(failureText('reserve: out of stock')).toBe('The order could not be completed: reserve: out of stock');
    expect(failureText(null)).toBe('The payment did not go through.');
  });
});
