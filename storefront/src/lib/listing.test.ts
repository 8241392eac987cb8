import { describe, expect, it } from 'vitest';
import { activeFilters, effectiveSort, nextPage, pageNumber, previousPage, queryFromParams, toggleValue, withFilter } from './listing';

const p = (s: string) => new URLSearchParams(s);

describe('listing URLs', () => {
  it('read into the API query', () => {
    expect(queryFromParams(p('q=tee&category=t-shirts&tag=new&tag=sale&min_price=1000&in_stock=true&sort=price_asc&option.size=M&cursor=abc&bogus=1'))).toEqual(
      {
        limit: 24,
        q: 'tee',
        category: 't-shirts',
        tag: ['new', 'sale'],
        min_price: 1000,
        in_stock: true,
        sort: 'price_asc',
        'option.size': 'M',
        cursor: 'abc',
      },
    );
    expect(queryFromParams(p('sort=cheapest&min_price=abc'))).toEqual({ limit: 24 });
  });

  it('sort by relevance by default only with a search', () => {
    expect(effectiveSort(p('q=tee'))).toBe('relevance');
    expect(effectiveSort(p(''))).toBe('newest');
    expect(effectiveSort(p('q=tee&sort=price_desc'))).toBe('price_desc');
  });

  it('go back to page 1 when a filter changes', () => {
    const next = withFilter(p('q=tee&cursor=c2&prev='), 'in_stock', 'true');
    expect(next.toString()).toBe('q=tee&in_stock=true');
    expect(toggleValue(p('tag=new'), 'tag', 'sale').getAll('tag')).toEqual(['new', 'sale']);
    expect(toggleValue(p('tag=new&tag=sale'), 'tag', 'new').getAll('tag')).toEqual(['sale']);
  });

  it('walk pages forwards and back through cursors', () => {
    const page1 = p('q=tee');
    expect(pageNumber(page1)).toBe(1);
    const page2 = nextPage(page1, 'c2');
    expect(pageNumber(page2)).toBe(2);
    const page3 = nextPage(page2, 'c3');
    expect(pageNumber(page3)).toBe(3);
    expect(page3.get('cursor')).toBe('c3');
    const back2 = previousPage(page3);
    expect(back2.toString()).toBe(page2.toString());
    expect(previousPage(back2).toString()).toBe('q=tee');
  });

  it('list the active filters', () => {
    expect(activeFilters(p('q=x&category=shoes&tag=new&min_price=1990&option.size=42&in_stock=true')).map((f) => f.label)).toEqual([
      'Category: shoes',
      'Tag: new',
      'From €19.90',
      'size: 42',
      'In stock',
    ]);
  });
});
