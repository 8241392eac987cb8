// Server state: TanStack Query hooks over the typed client, one per read, and
// the cart's mutations (which answer the whole cart, written straight into the
// cache so the navbar's count and the cart page agree at once).
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../auth/session';
import { api } from './client';
import { keys, storeCart, type ProductQuery } from './keys';
import type { Order } from './types';

export { keys, storeCart };

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

/**
 * The cart (tax for `country` when given): the signed-in shopper's, or the
 * guest cart of this browser. Asked for once the session is restored, so a
 * signed-in shopper never sees the guest cart's count first. The cart shows the
 * catalog's prices from its last change for up to a minute; `fresh` asks the
 * catalog now (`Cache-Control: no-cache`), as checkout does before paying.
 */
export function useCart(country?: string, { fresh = false }: { fresh?: boolean } = {}) {
  const { status } = useSession();
  return useQuery({
    enabled: status !== 'restoring',
    queryKey: keys.cart(country),
    queryFn: ({ signal }) => api.request('get', '/api/cart', { query: { country }, signal, ...(fresh ? { headers: { 'cache-control': 'no-cache' } } : {}) }),
    placeholderData: keepPreviousData,
  });
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
