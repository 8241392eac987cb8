import { describe, expect, it } from 'vitest';
import { addressRules } from '../components/AddressFields';
import { country, email, options, password, phone, price, required, sameAs, serverFieldErrors, url, validate, wholeNumber } from './validation';

describe('field rules', () => {
  it('checks emails', () => {
    expect(email('ann@example.com', {})).toBeNull();
    expect(email('ann@example', {})).toMatch(/email address/);
    expect(email('', {})).toBeNull();
  });

  it('checks passwords as the API does', () => {
    expect(password('short', {})).toBe('Use at least 10 characters.');
    expect(password('x'.repeat(129), {})).toBe('Use at most 128 characters.');
    expect(password('ann@example.com', { email: 'Ann@Example.com' })).toMatch(/email/);
    expect(password('a long enough passphrase', { email: 'ann@example.com' })).toBeNull();
  });

  it('checks the rest', () => {
    expect(required('Your name')('  ', {})).toBe('Your name is required.');
    expect(sameAs('password', 'no match')('a', { password: 'b' })).toBe('no match');
    expect(country('de', {})).toBeNull();
    expect(country('DEU', {})).toMatch(/two-letter/);
    expect(phone('+49 (30) 123-45.6', {})).toBeNull();
    expect(phone('call me', {})).not.toBeNull();
    expect(wholeNumber(0)('12', {})).toBeNull();
    expect(wholeNumber(0)('1.5', {})).toBe('Enter a whole number.');
    expect(wholeNumber(1, 999)('1000', {})).toBe('Enter a number from 1 to 999.');
    expect(price('19.90', {})).toBeNull();
    expect(price('19.999', {})).not.toBeNull();
    expect(url('https://example.com/a.jpg', {})).toBeNull();
    expect(url('/images/a.svg', {})).toBeNull();
    expect(url('javascript:alert(1)', {})).not.toBeNull();
    expect(options('size=M, color=Black', {})).toBeNull();
    expect(options('size', {})).not.toBeNull();
  });
});

describe('forms', () => {
  it('reports the first failing rule of every field at once', () => {
    const errors = validate(
      { name: '', line1: 'Hauptstr. 1', line2: '', city: '', postal_code: '10115', region: '', country: 'Germany', phone: '' },
      addressRules,
    );
    expect(errors).toEqual({ name: 'Your name is required.', city: 'The city is required.', country: 'Use the two-letter country code, such as DE.' });
  });

  it('maps the server’s field errors onto the form', () => {
    expect(serverFieldErrors({ 'address.city': 'must be 1 to 100 characters', 'address.zone': 'unknown' }, ['city', 'name'], 'address.')).toEqual({
      city: 'Must be 1 to 100 characters.',
      _form: 'Address.zone unknown.',
    });
  });
});
