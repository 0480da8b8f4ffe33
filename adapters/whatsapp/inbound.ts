/**
 * WhatsApp -> neutral: a live message from a person becomes an `InboundMessage`. Own messages,
 * groups, broadcasts, status updates and newsletters are ignored. Text, images and documents are
 * read (an image sent as a document counts as an image); the rest (stickers, voice notes,
 * reactions, protocol messages) is ignored.
 *
 * The chat id is the person's LID when known (Baileys 7 addresses people by LID; the phone-number
 * JID can be absent or hidden), else their phone-number JID; replies go to it.
 */
import {
  isJidBroadcast,
  isJidGroup,
  isJidNewsletter,
  isJidStatusBroadcast,
  isLidUser,
  jidNormalizedUser,
  normalizeMessageContent,
  type WAMessage,
} from '@whiskeysockets/baileys';
import type { InboundMessage } from '../../src/conversation/types.ts';
import type { MediaDownloader } from './socket.ts';

export const DEFAULT_MAX_MEDIA_BYTES = 20 * 1024 * 1024;

export type WhatsAppInbound =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'ignored'; reason: string };

/** Why a file could not be read; the adapter tells the person, it never reaches the flow. */
export class WhatsAppFileError extends Error {
  private constructor(
    readonly code: 'too_large' | 'download_failed',
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'WhatsAppFileError';
  }

  static tooLarge(bytes: number, max: number): WhatsAppFileError {
    return new WhatsAppFileError('too_large', `media of ${bytes} bytes exceeds ${max}`);
  }

  static downloadFailed(cause: unknown): WhatsAppFileError {
    return new WhatsAppFileError('download_failed', 'media download failed', { cause });
  }
}

/** The chat a message belongs to (LID preferred), or the reason it is not a person's chat. */
export function chatOf(msg: WAMessage): { jid: string } | { ignored: string } {
  const key = msg.key;
  const remote = key?.remoteJid;
  if (!remote) return { ignored: 'no remote jid' };
  if (key.fromMe) return { ignored: 'own message' };
  if (isJidStatusBroadcast(remote)) return { ignored: 'status update' };
  if (isJidGroup(remote)) return { ignored: 'group message' };
  if (isJidBroadcast(remote)) return { ignored: 'broadcast message' };
  if (isJidNewsletter(remote)) return { ignored: 'newsletter message' };
  const alt = key.remoteJidAlt;
  const jid = !isLidUser(remote) && alt && isLidUser(alt) ? alt : remote;
  return { jid: jidNormalizedUser(jid) };
}

/** Translates a message; downloads its image or document through `download`. */
export async function fromWAMessage(
  msg: WAMessage,
  download: MediaDownloader,
  options: { maxBytes?: number; now: () => Date },
): Promise<WhatsAppInbound> {
  const chat = chatOf(msg);
  if ('ignored' in chat) return { kind: 'ignored', reason: chat.ignored };
  const content = normalizeMessageContent(msg.message);
  if (!content) return { kind: 'ignored', reason: 'no content' };
  const base = {
    channel: 'whatsapp' as const,
    chatId: chat.jid,
    ...(msg.key.id ? { messageId: `${chat.jid}:${msg.key.id}` } : {}),
    receivedAt: timestampOf(msg) ?? options.now(),
  };
  const max = options.maxBytes ?? DEFAULT_MAX_MEDIA_BYTES;
  const fetch = async (declared: unknown): Promise<Uint8Array> => {
    const size = Number(declared ?? 0);
    if (size > max) throw WhatsAppFileError.tooLarge(size, max);
    let bytes: Buffer;
    try {
      bytes = await download(msg);
    } catch (err) {
      throw WhatsAppFileError.downloadFailed(err);
    }
    if (bytes.byteLength > max) throw WhatsAppFileError.tooLarge(bytes.byteLength, max);
    return new Uint8Array(bytes);
  };

  const image = content.imageMessage;
  if (image) {
    const bytes = await fetch(image.fileLength);
    return {
      kind: 'message',
      message: { ...base, ...textOf(image.caption), image: { bytes, mime: image.mimetype ?? 'image/jpeg' } },
    };
  }
  const doc = content.documentMessage;
  if (doc) {
    const bytes = await fetch(doc.fileLength);
    const mime = doc.mimetype ?? undefined;
    const message: InboundMessage = mime?.startsWith('image/')
      ? { ...base, ...textOf(doc.caption), image: { bytes, mime } }
      : {
          ...base,
          ...textOf(doc.caption),
          document: { bytes, ...(doc.fileName ? { name: doc.fileName } : {}), ...(mime ? { mime } : {}) },
        };
    return { kind: 'message', message };
  }
  const text = content.conversation ?? content.extendedTextMessage?.text;
  if (text && text.trim() !== '') return { kind: 'message', message: { ...base, text } };
  return { kind: 'ignored', reason: 'unsupported message content' };
}

function timestampOf(msg: WAMessage): Date | null {
  const seconds = Number(msg.messageTimestamp ?? 0);
  return seconds > 0 ? new Date(seconds * 1000) : null;
}

function textOf(text: string | null | undefined): { text?: string } {
  return text && text.trim() !== '' ? { text } : {};
}
