// The address fields shared by checkout and the address book.
import type { FieldProps } from '../lib/form';
import { COUNTRIES } from '../lib/countries';
import { country, maxLength, phone, required, type Rules } from '../lib/validation';
import { Field } from './Field';

export const ADDRESS_FIELDS = ['name', 'line1', 'line2', 'city', 'postal_code', 'region', 'country', 'phone'] as const;
export type AddressField = (typeof ADDRESS_FIELDS)[number];

export const emptyAddress = (countryCode = 'DE'): Record<AddressField, string> => ({
  name: '',
  line1: '',
  line2: '',
  city: '',
  postal_code: '',
  region: '',
  country: countryCode,
  phone: '',
});

export const addressRules: Rules<AddressField> = {
  name: [required('Your name'), maxLength(100)],
  line1: [required('The street address'), maxLength(200)],
  line2: [maxLength(200)],
  city: [required('The city'), maxLength(100)],
  postal_code: [required('The postal code'), maxLength(20)],
  region: [maxLength(100)],
  country: [required('The country'), country],
  phone: [phone, maxLength(30)],
};

export function AddressFields({ field }: { field: (name: AddressField) => FieldProps }) {
  return (
    <div className="address-fields">
      <Field label="Full name" autoComplete="name" required {...field('name')} />
      <Field label="Street and number" autoComplete="address-line1" required {...field('line1')} />
      <Field label="Apartment, floor (optional)" autoComplete="address-line2" {...field('line2')} />
      <div className="field-row">
        <Field label="Postal code" autoComplete="postal-code" required {...field('postal_code')} />
        <Field label="City" autoComplete="address-level2" required {...field('city')} />
      </div>
      <div className="field-row">
        <Field label="Region (optional)" autoComplete="address-level1" {...field('region')} />
        <Field label="Country" autoComplete="country" required options={COUNTRIES} {...field('country')} />
      </div>
      <Field label="Phone (optional)" type="tel" autoComplete="tel" inputMode="tel" {...field('phone')} />
    </div>
  );
}
