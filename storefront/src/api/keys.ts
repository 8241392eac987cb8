// Query keys of the server state, and writing a cart answer into the cache.
import type { QueryClient } from '@tanstack/react-query';
import type { OptionFilters } from './client';
import type { paths } from './schema';
import type { Cart } from './types';

export type ProductQuery = NonNullable<paths['/api/catalog/products']['get']['parameters']['query']> & OptionFilters;

export const keys = {
  categories: ['categories'] as const,
  products: (q: ProductQuery) => ['products', q] as const,
  product: (idOrSlug: string) => ['product', idOrSlug] as const,
  cart: (country: string | undefined) => ['cart', country ?? ''] as const,
  me: ['me'] as const,
  orders: ['orders'] as const,
  order: (id: number) => ['order', id] as const,
  adminOrders: (status: string) => ['admin', 'orders', status] as const,
  outbox: ['admin', 'outbox'] as const,
};

/** Puts a cart answer into every cached view of the cart. */
export function storeCart(client: QueryClient, cart: Cart): void {
  client.setQueryData(keys.cart(undefined), cart);
  void client.invalidateQueries({ queryKey: ['cart'], predicate: (q) => q.queryKey[1] !== '' });
}
