// Countries offered in address forms (ISO 3166-1 alpha-2). The shop's tax
// rates are configured per country (the `tax_rates` variable); these are the
// ones its default configuration names.
export const COUNTRIES = [
  { value: 'AT', label: 'Austria' },
  { value: 'BE', label: 'Belgium' },
  { value: 'FR', label: 'France' },
  { value: 'DE', label: 'Germany' },
  { value: 'IT', label: 'Italy' },
  { value: 'NL', label: 'Netherlands' },
  { value: 'ES', label: 'Spain' },
  { value: 'CH', label: 'Switzerland' },
  { value: 'GB', label: 'United Kingdom' },
  { value: 'US', label: 'United States' },
] as const;

export function countryName(code: string): string {
  return COUNTRIES.find((c) => c.value === code.toUpperCase())?.label ?? code;
}
