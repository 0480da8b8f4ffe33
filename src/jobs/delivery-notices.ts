/**
 * Chat notices for work that finished after the conversation moved on (a delayed stamp), worded
 * in the flow's copy module.
 */
import { delayedInvoiceFailed, delayedInvoiceReady } from '../../flows/copy.ts';
import type { DeliveryNotices } from './invoice-jobs.ts';

export const deliveryNotices: DeliveryNotices = {
  stamped: ({ serieFolio, uuid, files }) => delayedInvoiceReady(serieFolio, uuid, files),
  rejected: ({ message }) => delayedInvoiceFailed(message),
};
