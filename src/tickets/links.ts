/**
 * The links printed on a ticket: the web page (also the QR's content), a WhatsApp chat with the
 * request prefilled, and a Telegram deep link whose start parameter is the compact code.
 */
import type { TicketCode } from '../sat/code.ts';
import type { TicketLinks } from './types.ts';

export interface ChannelSettings {
  /** International format, digits only (5215512345678). */
  whatsappNumber: string | null;
  /** Without the @. */
  telegramBotUsername: string | null;
}

/** `PUBLIC_URL/t/<compact code>`: what the QR holds. */
export function ticketWebUrl(code: TicketCode, publicUrl: string): string {
  return `${publicUrl.replace(/\/+$/u, '')}/t/${code.compact}`;
}

/** The Spanish text a customer sends on WhatsApp to invoice a ticket. */
export function whatsappRequestText(code: TicketCode): string {
  return `Hola, quiero facturar mi ticket ${code.toString()}`;
}

export function ticketLinks(code: TicketCode, publicUrl: string, channels: ChannelSettings): TicketLinks {
  const number = channels.whatsappNumber?.replace(/\D/gu, '');
  const bot = channels.telegramBotUsername?.replace(/^@/u, '');
  return {
    web: ticketWebUrl(code, publicUrl),
    whatsapp: number ? `https://wa.me/${number}?text=${encodeURIComponent(whatsappRequestText(code))}` : null,
    telegram: bot ? `https://t.me/${bot}?start=${code.compact}` : null,
  };
}
