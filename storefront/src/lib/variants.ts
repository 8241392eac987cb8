// Variant picking on the product page: the option names and values a
// product's variants offer, and the variant a choice of values stands for.
import type { Variant } from '../api/types';

export interface OptionGroup {
  name: string;
  values: string[];
}

/** Option names in first-seen order, each with its values in first-seen order. */
export function optionGroups(variants: Variant[]): OptionGroup[] {
  const groups = new Map<string, string[]>();
  for (const v of variants) {
    for (const [name, value] of Object.entries(v.options)) {
      const values = groups.get(name) ?? [];
      if (!values.includes(value)) values.push(value);
      groups.set(name, values);
    }
  }
  return [...groups].map(([name, values]) => ({ name, values }));
}

/** The variant whose options equal `choice` exactly, if any. */
export function findVariant(variants: Variant[], choice: Record<string, string>): Variant | undefined {
  return variants.find((v) => {
    const names = new Set([...Object.keys(v.options), ...Object.keys(choice)]);
    return [...names].every((n) => v.options[n] === choice[n]);
  });
}

/** A starting choice: the first variant in stock, else the first. */
export function initialChoice(variants: Variant[]): Record<string, string> {
  const v = variants.find((x) => x.stock > 0) ?? variants[0];
  return v ? { ...v.options } : {};
}

/** Whether picking `value` for `name` (keeping the rest of `choice`) gives a variant, and one in stock. */
export function valueState(variants: Variant[], choice: Record<string, string>, name: string, value: string): 'available' | 'sold-out' | 'none' {
  const v = findVariant(variants, { ...choice, [name]: value });
  if (!v) return 'none';
  return v.stock > 0 ? 'available' : 'sold-out';
}

/**
 * The choice after picking `value` for `name`: the other values are kept when
 * that combination exists, otherwise the first variant with `value` is taken.
 */
export function choose(variants: Variant[], choice: Record<string, string>, name: string, value: string): Record<string, string> {
  const next = { ...choice, [name]: value };
  if (findVariant(variants, next)) return next;
  const fallback = variants.find((v) => v.options[name] === value && v.stock > 0) ?? variants.find((v) => v.options[name] === value);
  return fallback ? { ...fallback.options } : next;
}
