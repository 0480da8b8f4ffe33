/**
 * Neutral -> Telegram: each `Reply` becomes text messages (split at Telegram's 4096-character
 * limit, *bold* sent as HTML), its choices an inline keyboard on the last part (callback_data = choice id), and its
 * files documents with their names.
 */
import { type Api, InputFile } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import type { Choice, Reply } from '../../src/conversation/types.ts';
import type { Logger } from '../../src/log.ts';
import { telegramCopy } from './copy.ts';

export const MAX_MESSAGE_LENGTH = 4096;
/** Telegram refuses callback_data longer than this many bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/** Splits text into parts of at most `max` UTF-16 units, preferring line breaks, then spaces. */
export function splitText(text: string, max = MAX_MESSAGE_LENGTH): string[] {
  const parts: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf('\n', max);
    if (cut < max / 2) cut = rest.lastIndexOf(' ', max);
    if (cut < max / 2) cut = max;
    const code = rest.charCodeAt(cut - 1);
    if (cut === max && code >= 0xd800 && code <= 0xdbff) cut -= 1; // keep surrogate pairs whole
    parts.push(rest.slice(0, cut));
    rest = rest.slice(cut).replace(/^[\n ]/u, '');
  }
  if (rest.length > 0) parts.push(rest);
  return parts;
}

/**
 * Our copy marks bold as WhatsApp does (`*folio*`); Telegram shows that literally unless asked to
 * parse it. Markdown would choke on a customer's name with `_` or `*`, so we send HTML: escape
 * everything, then turn each `*text*` on one line into `<b>text</b>`.
 */
export function toTelegramHtml(text: string): string {
  const escaped = text.replace(/&/gu, '&amp;').replace(/</gu, '&lt;').replace(/>/gu, '&gt;');
  return escaped.replace(/\*([^*\n\s](?:[^*\n]*[^*\n\s])?)\*/gu, '<b>$1</b>');
}

/** One button per row; options whose id does not fit callback_data are left out (and logged). */
export function inlineKeyboard(choices: Choice[], log?: Logger): InlineKeyboardMarkup | undefined {
  const rows = choices
    .filter((c) => {
      const fits = Buffer.byteLength(c.id, 'utf8') <= MAX_CALLBACK_DATA_BYTES;
      if (!fits) log?.error({ choiceId: c.id }, 'choice id longer than 64 bytes cannot be a Telegram button');
      return fits;
    })
    .map((c) => [{ text: c.label, callback_data: c.id }]);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** Sends the replies to one chat, in order; throws when Telegram refuses (the outbox retries). */
export async function sendReplies(api: Api, chatId: string, replies: Reply[], log?: Logger): Promise<void> {
  for (const reply of replies) {
    const keyboard = reply.choices?.length ? inlineKeyboard(reply.choices, log) : undefined;
    const text = reply.text.trim() === '' && keyboard ? telegramCopy.chooseOption : reply.text;
    const parts = text.trim() === '' ? [] : splitText(text);
    for (const [i, part] of parts.entries()) {
      const last = i === parts.length - 1;
      await api.sendMessage(chatId, toTelegramHtml(part), {
        parse_mode: 'HTML',
        ...(last && keyboard ? { reply_markup: keyboard } : {}),
      });
    }
    for (const file of reply.files ?? []) {
      await api.sendDocument(chatId, new InputFile(file.bytes, file.name));
    }
  }
}
