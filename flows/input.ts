/**
 * Reads one inbound message the way every step of the flow needs it: the text (bounded), the tapped
 * choice, the global commands (cancelar, ayuda, atrás, reenviar, /start), yes/no, a ticket code typed
 * or scanned. Defensive: events come from the outside, so every field is checked before use.
 */
import { TicketCode } from '../src/sat/code.ts';
import type { InvoicingEvent, MessageEvent, ScanResult } from './context.ts';
import { fold, MAX_TEXT_LENGTH, parseDate, parseTotal, todayIn } from './parse.ts';

/** The message event, or null for any other event. */
export function messageOf(event: InvoicingEvent): MessageEvent | null {
  return event.type === 'message' ? event : null;
}

/** The message text without control characters, or '' (also for texts too long to read). */
export function textOf(event: InvoicingEvent): string {
  const text = messageOf(event)?.text;
  if (typeof text !== 'string' || text.length > MAX_TEXT_LENGTH) return '';
  return text.replace(/[\p{Cc}\p{Cf}]/gu, ' ').trim();
}

/** The id of the choice the customer tapped, or null. */
export function choiceOf(event: InvoicingEvent): string | null {
  const choice = messageOf(event)?.choice;
  return typeof choice === 'string' && choice.length > 0 && choice.length <= 64 ? choice : null;
}

export type Command = 'cancel' | 'help' | 'back' | 'resend' | 'start';

const COMMAND_WORDS = new Map<string, Command>([
  ['cancelar', 'cancel'],
  ['cancela', 'cancel'],
  ['/cancel', 'cancel'],
  ['/cancelar', 'cancel'],
  ['ayuda', 'help'],
  ['/help', 'help'],
  ['/ayuda', 'help'],
  ['?', 'help'],
  ['atras', 'back'],
  ['regresar', 'back'],
  ['volver', 'back'],
  ['/back', 'back'],
  ['/atras', 'back'],
  ['reenviar', 'resend'],
  ['/reenviar', 'resend'],
  ['/resend', 'resend'],
  ['/start', 'start'],
  ['/inicio', 'start'],
]);

const COMMAND_CHOICES = new Map<string, Command>([
  ['cancel', 'cancel'],
  ['help', 'help'],
  ['back', 'back'],
  ['resend', 'resend'],
]);

/**
 * The global command in a message: the whole text is a command word ("cancelar", "/help",
 * "/cancel@SomeBot"), or "reenviar" / "/start" lead the text ("reenviar 7KQ2-M9XD-4HPA",
 * "/start 7KQ2M9XD4HPA"). Null otherwise, so a name such as "Ayuda Pérez" is not taken for a command.
 */
export function commandOf(event: InvoicingEvent): Command | null {
  const choice = choiceOf(event);
  if (choice !== null) return COMMAND_CHOICES.get(choice) ?? null;
  const words = fold(textOf(event))
    .replace(/[!¡.]+$/u, '')
    .replace(/^(\/\w+)@\w+/u, '$1');
  const whole = COMMAND_WORDS.get(words);
  if (whole) return whole;
  const lead = COMMAND_WORDS.get(words.split(' ', 1)[0] ?? '');
  return lead === 'resend' || lead === 'start' ? lead : null;
}

/** The ticket code after a "reenviar"/"/start" word, canonical form, or null. */
export function codeAfterCommand(event: InvoicingEvent): string | null {
  return codeIn(textOf(event).replace(/^\S+\s*/u, ''));
}

const YES = new Set([
  'si',
  's',
  'sip',
  'ok',
  'okay',
  'va',
  'claro',
  'correcto',
  'es correcto',
  'si es correcto',
  'asi es',
]);
const NO = new Set(['no', 'n', 'nop', 'incorrecto', 'no es correcto', 'no es']);

/** The customer said yes (choice 'yes' or a typed sí). */
export function isYes(event: InvoicingEvent): boolean {
  const choice = choiceOf(event);
  if (choice !== null) return choice === 'yes';
  return YES.has(
    fold(textOf(event))
      .replace(/[!¡.,]+/gu, '')
      .trim(),
  );
}

/** The customer said no (choice 'no' or a typed no). */
export function isNo(event: InvoicingEvent): boolean {
  const choice = choiceOf(event);
  if (choice !== null) return choice === 'no';
  return NO.has(
    fold(textOf(event))
      .replace(/[!¡.,]+/gu, '')
      .trim(),
  );
}

/**
 * The ticket code in a text, canonical form, or null. `TicketCode.findIn` also joins neighbouring
 * words, which finds a "code" with a valid check symbol in ~2% of ordinary sentences ("ayer de
 * compra" → AYER-DEC0-MPRA). So a code is taken when it appears as 12 symbols at most split in
 * groups of four ("mi código es 7kq2 m9xd 4hpe", ".../t/7KQ2M9XD4HPE"), or when the message is just
 * the code in another spacing and has a digit ("7 kq2m9 xd4hpe"; 99% of codes have one).
 */
export function codeIn(text: string): string | null {
  if (text.length === 0 || text.length > 2000) return null;
  const code = TicketCode.findIn(text);
  if (!code) return null;
  const c = code.compact;
  const typed = text.toUpperCase().replace(/O/gu, '0').replace(/[IL]/gu, '1');
  const grouped = new RegExp(
    `(?:^|[^0-9A-Z])${c.slice(0, 4)}[\\s\\-_.·]?${c.slice(4, 8)}[\\s\\-_.·]?${c.slice(8)}(?![0-9A-Z])`,
    'u',
  );
  if (grouped.test(typed)) return code.toString();
  // Any other spacing only when the message is nothing but the code and has a digit (words don't).
  return TicketCode.parse(text) !== null && /\d/u.test(text) ? code.toString() : null;
}

/** A ticket code typed in any spacing or case, or inside a pasted URL; canonical form or null. */
export function typedCodeOf(event: InvoicingEvent): string | null {
  const text = textOf(event);
  return text.length > 500 ? null : codeIn(text);
}

/** The scan result when the message carries a photo, else null; a photo without a scan counts as 'none'. */
export function scanOf(event: InvoicingEvent): ScanResult | null {
  const message = messageOf(event);
  if (!message) return null;
  const scan = message.scan;
  const valid =
    typeof scan === 'object' &&
    scan !== null &&
    (scan.via === 'qr' || scan.via === 'ocr' || scan.via === 'none');
  if (valid) return scan;
  return message.hasImage === true ? { code: null, date: null, total: null, via: 'none' } : null;
}

/** The code a scan found, canonical form, or null when it found none that checks. */
export function scannedCodeOf(event: InvoicingEvent): string | null {
  const code = scanOf(event)?.code;
  return typeof code === 'string' && code.length <= 500 ? codeIn(code) : null;
}

/** The purchase date a scan read, when it is a real, non-future date. */
export function scannedDateOf(event: InvoicingEvent): string | null {
  const scanned = scanOf(event)?.date;
  const today = todayIn(messageOf(event)?.now);
  if (typeof scanned !== 'string' || today === null) return null;
  const parsed = parseDate(scanned, today);
  return parsed.ok ? parsed.date : null;
}

/** The total a scan read, as a 2-decimal string, or null. */
export function scannedTotalOf(event: InvoicingEvent): string | null {
  const scanned = scanOf(event)?.total;
  return typeof scanned === 'string' ? parseTotal(scanned) : null;
}

/** The purchase date typed in this message, parsed against the message's own `now`. */
export function typedDateOf(event: InvoicingEvent): ReturnType<typeof parseDate> {
  const today = todayIn(messageOf(event)?.now);
  if (today === null) return { ok: false, reason: 'format' };
  return parseDate(textOf(event), today);
}
