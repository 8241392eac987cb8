import { describe, expect, it } from 'vitest';
import type { Variant } from '../api/types';
import { formatOptions, parseOptions, parseTags } from './options';
import { choose, findVariant, initialChoice, optionGroups, valueState } from './variants';

const v = (id: number, stock: number, options: Record<string, string>): Variant => ({
  id,
  sku: `S${id}`,
  price: { amount: 1000, currency: 'EUR' },
  stock,
  options,
});
const variants = [v(1, 0, { size: 'S', color: 'Black' }), v(2, 5, { size: 'M', color: 'Black' }), v(3, 2, { size: 'M', color: 'White' })];

describe('variant picking', () => {
  it('lists options and values in order', () => {
    expect(optionGroups(variants)).toEqual([
      { name: 'size', values: ['S', 'M'] },
      { name: 'color', values: ['Black', 'White'] },
    ]);
  });

  it('starts on a variant in stock and finds variants by choice', () => {
    expect(initialChoice(variants)).toEqual({ size: 'M', color: 'Black' });
    expect(findVariant(variants, { size: 'M', color: 'White' })?.id).toBe(3);
    expect(findVariant(variants, { size: 'S', color: 'White' })).toBeUndefined();
  });

  it('marks sold-out and missing combinations, and moves to one that exists', () => {
    expect(valueState(variants, { size: 'M', color: 'Black' }, 'size', 'S')).toBe('sold-out');
    expect(valueState(variants, { size: 'S', color: 'Black' }, 'color', 'White')).toBe('none');
    expect(choose(variants, { size: 'S', color: 'Black' }, 'color', 'White')).toEqual({ size: 'M', color: 'White' });
    expect(choose(variants, { size: 'M', color: 'Black' }, 'color', 'White')).toEqual({ size: 'M', color: 'White' });
  });

  it('reads and writes options and tags as admins type them', () => {
    expect(parseOptions('Size=M, color = Black')).toEqual({ size: 'M', color: 'Black' });
    expect(parseOptions('')).toEqual({});
    expect(parseOptions('size=M, size=L')).toBeNull();
    expect(parseOptions('=M')).toBeNull();
    expect(formatOptions({ size: 'M', color: 'Black' })).toBe('size=M, color=Black');
    expect(parseTags('New, gift, new, ')).toEqual(['new', 'gift']);
  });
});
