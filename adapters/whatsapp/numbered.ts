/**
 * Options on WhatsApp: buttons are not reliable there, so a reply's choices become numbered lines
 * ("1. Sí, continuar") and the person answers with the number or the option's text.
 */
import type { Choice } from '../../src/conversation/types.ts';
import { whatsappCopy } from './copy.ts';

/** The reply text followed by the numbered options and "Responde 1 o 2." */
export function renderChoices(text: string, choices: Choice[]): string {
  if (choices.length === 0) return text;
  const lines = choices.map((c, i) => `${i + 1}. ${c.label}`);
  return [text.trim(), lines.join('\n'), whatsappCopy.answerWith(choices.length)]
    .filter(Boolean)
    .join('\n\n');
}

/** Lower case, no accents, no surrounding punctuation, single spaces. */
function normalize(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s\u00a0]+/gu, ' ')
    .replace(/^[\s¡¿"'*_.,;:!?()-]+|[\s"'*_.,;:!?()-]+$/gu, '');
}

/**
 * The id of the option an answer names: "2", "2.", "#2", "opción 2" or the option's text
 * ("si, continuar" matches "Sí, continuar"); null when it names none.
 */
export function matchChoice(answer: string, choices: Choice[]): string | null {
  if (choices.length === 0) return null;
  const said = normalize(answer);
  const number = /^(?:opcion\s*|#)?(\d{1,2})$/u.exec(said);
  if (number) {
    const index = Number(number[1]) - 1;
    return choices[index]?.id ?? null;
  }
  const byLabel = choices.filter((c) => normalize(c.label) === said);
  return byLabel.length === 1 ? byLabel[0]!.id : null;
}
