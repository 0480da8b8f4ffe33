/**
 * Local date-time in Mexico City ("Zona Centro"), the clock SAT uses for FechaTimbrado:
 * "YYYY-MM-DDThh:mm:ss" with no offset. Uses the IANA zone, so it follows Mexico's 2022
 * abolition of daylight saving time (and any later change shipped with Node's ICU data).
 */

let formatter: Intl.DateTimeFormat | undefined;
/** The last second formatted: stamps come many a second, formatToParts is the costly part. */
let last = { second: Number.NaN, text: '' };

/** Formats an instant as Mexico City wall-clock time, e.g. 2025-01-24T10:10:42. */
export function mexicoCityDateTime(instant: Date): string {
  const second = Math.floor(instant.getTime() / 1000);
  if (second === last.second) return last.text;
  formatter ??= new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Mexico_City',
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = part.value;
  const text = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  last = { second, text };
  return text;
}
