/**
 * Telegram -> neutral: a private-chat message or a button press becomes an `InboundMessage`.
 * Photos take their largest size; documents whose MIME type is an image count as images.
 * `/start <code>` (the ticket's t.me link) keeps its text: the flow finds codes in any text.
 */
import type { CallbackQuery, Message } from 'grammy/types';
import type { InboundMessage } from '../../src/conversation/types.ts';
import type { FileFetcher } from './files.ts';

export type InboundOutcome =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'ignored'; reason: string };

/** Translates a message; downloads its photo or document through `fetchFile`. */
export async function fromMessage(
  msg: Message,
  fetchFile: FileFetcher,
  now: () => Date,
): Promise<InboundOutcome> {
  if (msg.chat.type !== 'private') return { kind: 'ignored', reason: `${msg.chat.type} chat` };
  const base = {
    channel: 'telegram' as const,
    chatId: String(msg.chat.id),
    messageId: `${msg.chat.id}:${msg.message_id}`,
    receivedAt: msg.date ? new Date(msg.date * 1000) : now(),
  };
  const text = msg.text ?? msg.caption;
  if (msg.photo?.length) {
    const largest = msg.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    const bytes = await fetchFile(largest.file_id, largest.file_size);
    return { kind: 'message', message: { ...base, ...textOf(text), image: { bytes, mime: 'image/jpeg' } } };
  }
  if (msg.document) {
    const doc = msg.document;
    const bytes = await fetchFile(doc.file_id, doc.file_size);
    const mime = doc.mime_type;
    const message: InboundMessage = mime?.startsWith('image/')
      ? { ...base, ...textOf(text), image: { bytes, mime } }
      : {
          ...base,
          ...textOf(text),
          document: { bytes, ...(doc.file_name ? { name: doc.file_name } : {}), ...(mime ? { mime } : {}) },
        };
    return { kind: 'message', message };
  }
  if (text !== undefined && text.trim() !== '') {
    return { kind: 'message', message: { ...base, text } };
  }
  return { kind: 'ignored', reason: 'unsupported message content' };
}

/** Translates an inline-keyboard press into the chosen option's id (`callback_data`). */
export function fromCallback(query: CallbackQuery, now: () => Date): InboundOutcome {
  const chat = query.message?.chat;
  if (chat?.type !== 'private') return { kind: 'ignored', reason: 'callback outside a private chat' };
  if (!query.data) return { kind: 'ignored', reason: 'callback without data' };
  return {
    kind: 'message',
    message: {
      channel: 'telegram',
      chatId: String(chat.id),
      messageId: `${chat.id}:cb:${query.id}`,
      choice: query.data,
      receivedAt: now(),
    },
  };
}

function textOf(text: string | undefined): { text?: string } {
  return text !== undefined && text.trim() !== '' ? { text } : {};
}
