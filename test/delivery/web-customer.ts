/**
 * A web-chat customer for the crash test: reads the last question (its choices first, then its
 * wording) and answers it like a person would; after a lost answer it waits or asks for help.
 */
import type { receptorFor } from './support.ts';

/** A reply as the web chat API sends it. */
export interface WireReply {
  text: string;
  choices?: Array<{ id: string; label: string }>;
  files?: Array<{ name: string; mime: string; url: string }>;
}

/** What the customer answers to the last question, like a person reading it. */
export type Move = { text: string } | { choice: string } | 'wait' | 'done';

export interface Customer {
  code: string;
  date: string;
  total: string;
  receptor: ReturnType<typeof receptorFor>;
}

export function nextMove(replies: WireReply[] | null, customer: Customer): Move {
  if (!replies || replies.length === 0) return { text: 'ayuda' };
  const all = replies.map((r) => r.text).join('\n');
  const question = replies[replies.length - 1]!;
  const ids = new Set(replies.flatMap((r) => r.choices?.map((c) => c.id) ?? []));
  const has = (prefix: string) => [...ids].some((id) => id.startsWith(prefix));
  const r = customer.receptor;
  // Told the files will come later (delayed stamp, or a stamp of this chat still in progress).
  if (/está tardando|ya no puedo reenviarlo/u.test(all)) return 'wait';
  if (ids.has('confirm')) return { choice: 'confirm' };
  if (ids.has('known:use')) return { choice: 'known:use' };
  if (ids.has('rfc:recalled')) return { choice: 'rfc:recalled' };
  if (ids.has('yes') && /reenv/iu.test(question.text)) return { choice: 'yes' };
  if (ids.has('another')) return 'wait';
  if (has('regimen:')) return { text: r.regimenFiscal };
  if (has('uso:')) return { text: r.usoCfdi };
  if (ids.has('email:skip')) return { text: r.email ?? 'omitir' };
  if (ids.has('nombre:keep')) return { choice: 'nombre:keep' };
  const q = question.text;
  if (/código postal/iu.test(q)) return { text: r.codigoPostal };
  if (/nombre o razón social/iu.test(q)) return { text: r.nombre };
  if (/\*RFC\*/u.test(q)) return { text: r.rfc };
  if (/\*total\*/iu.test(q)) return { text: customer.total };
  if (/fecha de compra/iu.test(q)) return { text: customer.date };
  if (/código/iu.test(q)) return { text: customer.code };
  return { text: 'ayuda' };
}
