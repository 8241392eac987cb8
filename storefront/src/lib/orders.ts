// Order statuses in words, and the steps a shopper sees an order go through.
import type { OrderStatus } from '../api/types';

export const STATUS_LABELS: Record<OrderStatus, string> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  payment_failed: 'Payment failed',
  processing: 'Being prepared',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  refunded: 'Refunded',
};

export function statusLabel(status: OrderStatus): string {
  return STATUS_LABELS[status];
}

/** The happy path, for the progress bar of an order that has not failed. */
export const PROGRESS: OrderStatus[] = ['pending_payment', 'paid', 'processing', 'shipped', 'delivered'];

/** How far along the happy path an order is (index into PROGRESS), or -1 when it failed. */
export function progressIndex(status: OrderStatus): number {
  return PROGRESS.indexOf(status);
}

export function formatTime(seconds: number, locale = 'en-GB'): string {
  return new Date(seconds * 1000).toLocaleString(locale, { dateStyle: 'medium', timeStyle: 'short' });
}

export function formatDate(seconds: number, locale = 'en-GB'): string {
  return new Date(seconds * 1000).toLocaleDateString(locale, { dateStyle: 'medium' });
}
