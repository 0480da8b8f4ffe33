/**
 * Every endpoint of the API, in documentation order. The router refuses to start if one of them
 * has no handler, and the OpenAPI document lists exactly these.
 */
import type { Endpoint } from '../endpoint.ts';
import { getCustomer, listCustomersEndpoint } from './customers.ts';
import {
  cancelInvoiceEndpoint,
  getInvoice,
  getInvoicePdf,
  getInvoiceXml,
  listInvoicesEndpoint,
} from './invoices.ts';
import { createKey, listKeys, revokeKey } from './keys.ts';
import { getSettings, patchSettings, uploadCsd } from './settings.ts';
import {
  batchTickets,
  cancelTicketEndpoint,
  createTicketEndpoint,
  getTicket,
  listTicketsEndpoint,
} from './tickets.ts';

export const ENDPOINTS: readonly Endpoint[] = [
  createTicketEndpoint,
  batchTickets,
  listTicketsEndpoint,
  getTicket,
  cancelTicketEndpoint,
  listInvoicesEndpoint,
  getInvoice,
  getInvoiceXml,
  getInvoicePdf,
  cancelInvoiceEndpoint,
  listCustomersEndpoint,
  getCustomer,
  getSettings,
  patchSettings,
  uploadCsd,
  createKey,
  listKeys,
  revokeKey,
] as Endpoint[];
