// Server state: TanStack Query hooks over the typed client, one per read, and
// the cart's mutations (which answer the whole cart, written straight into the
// cache so the navbar's count and the cart page agree at once).
import { keepPreviousData, useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { api, type OptionFilters } from './client';
import type { paths } from './schema';
import type { Cart, Order } from './types';

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

export function useCategories() {
  return useQuery({ queryKey: keys.categories, queryFn: ({ signal }) => api.request('get', '/api/catalog/categories', { signal }), staleTime: 60_000 });
}

export function useProducts(query: ProductQuery, enabled = true) {
  return useQuery({
    queryKey: keys.products(query),
    queryFn: ({ signal }) => api.request('get', '/api/catalog/products', { query, signal }),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useProduct(idOrSlug: string) {
  return useQuery({
    queryKey: keys.product(idOrSlug),
    queryFn: ({ signal }) => api.request('get', '/api/catalog/products/{idOrSlug}', { path: { idOrSlug }, signal }),
  });
}

/** The cart (tax for `country` when given). Nothing is fetched for a guest without a cart. */
export function useCart(country?: string) {
  return useQuery({
    queryKey: keys.cart(country),
    queryFn: ({ signal }) => api.request('get', '/api/cart', { query: { country }, signal }),
    placeholderData: keepPreviousData,
  });
}

/** Puts a cart answer into every cached view of the cart. */
export function storeCart(client: QueryClient, cart: Cart): void {
  client.setQueryData(keys.cart(undefined), cart);
  void client.invalidateQueries({ queryKey: ['cart'], predicate: (q) => q.queryKey[1] !== '' });
}

export function useAddToCart() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (line: { variant_id: number; quantity: number }) => api.request('post', '/api/cart/items', { body: line }),
    onSuccess: (cart) => storeCart(client, cart),
  });
}

export function useSetQuantity() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (line: { variantId: number; quantity: number }) =>
      api.request('patch', '/api/cart/items/{variantId}', { path: { variantId: line.variantId }, body: { quantity: line.quantity } }),
    onSuccess: (cart) => storeCart(client, cart),
  });
}

export function useRemoveLine() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (variantId: number) => api.request('delete', '/api/cart/items/{variantId}', { path: { variantId } }),
    onSuccess: (cart) => storeCart(client, cart),
  });
}

export function useMe(enabled: boolean) {
  return useQuery({ queryKey: keys.me, queryFn: ({ signal }) => api.request('get', '/api/users/me', { signal }), enabled });
}

export function useMyOrders(enabled: boolean) {
  return useQuery({ queryKey: keys.orders, queryFn: ({ signal }) => api.request('get', '/api/orders', { query: { limit: 50 }, signal }), enabled });
}

/** An order; while its payment is pending it is polled every second. */
export function useOrder(id: number | undefined) {
  return useQuery({
    queryKey: keys.order(id ?? 0),
    queryFn: ({ signal }) => api.request('get', '/api/orders/{id}', { path: { id: id ?? 0 }, signal }),
    enabled: id !== undefined,
    refetchInterval: (q) => (q.state.data?.status === 'pending_payment' ? 1000 : false),
  });
}

/** Whether an order's checkout went through (it may have moved on since). */
export function isPaid(order: Order): boolean {
  return ['paid', 'processing', 'shipped', 'delivered'].includes(order.status);
}
