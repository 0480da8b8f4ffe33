/**
 * Local time in Mexico for the clock-dependent rules. CFDI dates (Fecha, FechaTimbrado) are wall-clock
 * times without an offset; c_CodigoPostal names the time zone of each postal code ("Tiempo del
 * Centro", ...), mapped here to IANA zones so that Node's time-zone data (with the 2022 end of DST
 * outside the border strip) gives the offset.
 */
import { catalogs } from '../../sat/catalogs.ts';

const ZONES: Record<string, string> = {
  'Tiempo del Centro': 'America/Mexico_City',
  'Tiempo del Centro en Frontera': 'America/Matamoros',
  'Tiempo del Pacífico': 'America/Mazatlan',
  'Tiempo del Pacífico Sonora': 'America/Hermosillo',
  'Tiempo del Pacífico en Frontera': 'America/Ciudad_Juarez',
  'Tiempo del Noroeste en Frontera': 'America/Tijuana',
  'Tiempo del Sureste': 'America/Cancun',
};

/** Zone of central Mexico, in which PACs write FechaTimbrado. */
export const CENTRAL_ZONE = 'America/Mexico_City';
/** The easternmost zone (UTC-5): reading a wall clock there gives its earliest possible instant. */
export const EASTERN_ZONE = 'America/Cancun';

const FECHA =
  /^(20[1-9][0-9])-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9])$/;

/** True when the text follows SAT's Fecha pattern and names a real calendar day. */
export function isFecha(text: string | undefined): text is string {
  if (text === undefined || !FECHA.test(text)) return false;
  const [year, month, day] = text.slice(0, 10).split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

/** IANA zone of a postal code (c_CodigoPostal huso horario), undefined when unknown. */
export function zoneOf(codigoPostal: string | undefined): string | undefined {
  const huso = codigoPostal === undefined ? undefined : catalogs.codigoPostal(codigoPostal)?.huso_horario;
  return huso === undefined ? undefined : ZONES[huso];
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock of `zone` at `instant`, as milliseconds of a UTC date with the same fields. */
function wallClock(instant: number, zone: string): number {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(instant))) parts[part.type] = Number(part.value);
  return Date.UTC(
    parts['year'] ?? 0,
    (parts['month'] ?? 1) - 1,
    parts['day'] ?? 1,
    parts['hour'] ?? 0,
    parts['minute'] ?? 0,
    parts['second'] ?? 0,
  );
}

/** The instant at which the clocks of `zone` showed `fecha` ("YYYY-MM-DDThh:mm:ss"). */
export function instantOf(fecha: string, zone: string): Date {
  const naive = Date.parse(`${fecha}Z`);
  let guess = naive - (wallClock(naive, zone) - naive);
  guess = naive - (wallClock(guess, zone) - guess);
  return new Date(guess);
}

/** Calendar years that are "current" somewhere in Mexico at `now` (UTC-8 to UTC-5). */
export function currentYears(now: Date): { earliest: number; latest: number } {
  const hour = 3_600_000;
  return {
    earliest: new Date(now.getTime() - 8 * hour).getUTCFullYear(),
    latest: new Date(now.getTime() - 5 * hour).getUTCFullYear(),
  };
}
