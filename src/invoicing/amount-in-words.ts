/**
 * The "importe con letra" printed on a CFDI: "MIL DOSCIENTOS TREINTA Y CUATRO PESOS 50/100 M.N.".
 *
 * Spanish cardinals with the apocope every amount needs because a noun always follows
 * (VEINTIÚN PESOS, CIENTO UN MIL, UN MILLÓN), "DE" before the currency after round millions
 * (UN MILLÓN DE PESOS) and the long scale (MIL MILLONES, BILLÓN). Exact: decimal.js, never floats.
 */
import { Decimal } from 'decimal.js';

const UNITS = [
  '',
  'UN',
  'DOS',
  'TRES',
  'CUATRO',
  'CINCO',
  'SEIS',
  'SIETE',
  'OCHO',
  'NUEVE',
  'DIEZ',
  'ONCE',
  'DOCE',
  'TRECE',
  'CATORCE',
  'QUINCE',
  'DIECISÉIS',
  'DIECISIETE',
  'DIECIOCHO',
  'DIECINUEVE',
  'VEINTE',
  'VEINTIÚN',
  'VEINTIDÓS',
  'VEINTITRÉS',
  'VEINTICUATRO',
  'VEINTICINCO',
  'VEINTISÉIS',
  'VEINTISIETE',
  'VEINTIOCHO',
  'VEINTINUEVE',
];
const TENS = ['', '', '', 'TREINTA', 'CUARENTA', 'CINCUENTA', 'SESENTA', 'SETENTA', 'OCHENTA', 'NOVENTA'];
const HUNDREDS = [
  '',
  'CIENTO',
  'DOSCIENTOS',
  'TRESCIENTOS',
  'CUATROCIENTOS',
  'QUINIENTOS',
  'SEISCIENTOS',
  'SETECIENTOS',
  'OCHOCIENTOS',
  'NOVECIENTOS',
];

interface CurrencyWords {
  singular: string;
  plural: string;
  suffix: string;
}

const CURRENCIES: Record<string, CurrencyWords> = {
  MXN: { singular: 'PESO', plural: 'PESOS', suffix: 'M.N.' },
  USD: { singular: 'DÓLAR', plural: 'DÓLARES', suffix: 'USD' },
  EUR: { singular: 'EURO', plural: 'EUROS', suffix: 'EUR' },
};

/** 1..999 in words, apocopated (UN, VEINTIÚN, CIENTO UN) since a noun always follows. */
function below1000(n: number): string {
  if (n === 100) return 'CIEN';
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) words.push(HUNDREDS[hundreds]!);
  if (rest > 0 && rest < 30) words.push(UNITS[rest]!);
  else if (rest >= 30) {
    const unit = rest % 10;
    words.push(unit === 0 ? TENS[Math.floor(rest / 10)]! : `${TENS[Math.floor(rest / 10)]} Y ${UNITS[unit]}`);
  }
  return words.join(' ');
}

/** 1..999,999 in words: "MIL", "VEINTIÚN MIL", "CIENTO UN MIL UN". */
function below1e6(n: number): string {
  const thousands = Math.floor(n / 1000);
  const rest = n % 1000;
  const words: string[] = [];
  if (thousands === 1) words.push('MIL');
  else if (thousands > 1) words.push(`${below1000(thousands)} MIL`);
  if (rest > 0) words.push(below1000(rest));
  return words.join(' ');
}

/** A non-negative integer below 10^18 in words (long scale: millón, mil millones, billón). */
export function integerInWords(value: bigint): string {
  if (value < 0n || value >= 10n ** 18n) throw new RangeError(`Amount out of range: ${value}`);
  if (value === 0n) return 'CERO';
  const billones = Number(value / 10n ** 12n);
  const millones = Number((value / 10n ** 6n) % 10n ** 6n);
  const rest = Number(value % 10n ** 6n);
  const words: string[] = [];
  if (billones > 0) words.push(billones === 1 ? 'UN BILLÓN' : `${below1e6(billones)} BILLONES`);
  if (millones > 0) words.push(millones === 1 ? 'UN MILLÓN' : `${below1e6(millones)} MILLONES`);
  if (rest > 0) words.push(below1e6(rest));
  return words.join(' ');
}

/**
 * The amount in Spanish words with cents as "NN/100" and the currency: MXN gives
 * "UN PESO 00/100 M.N.", "UN MILLÓN DE PESOS 00/100 M.N."; USD and EUR use DÓLARES/EUROS;
 * any other currency code is written after the cents ("... 00/100 GBP") with no noun.
 * The amount is rounded half-up to cents. Throws on a negative or malformed amount.
 */
export function amountInWords(total: string, moneda = 'MXN'): string {
  if (!/^\d+(\.\d+)?$/.test(total.trim()))
    throw new TypeError(`Not a non-negative decimal amount: "${total}"`);
  const cents = new Decimal(total.trim()).toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  const [integerText = '0', centsText = '00'] = cents.toFixed(2).split('.');
  const integer = BigInt(integerText);
  const words = integerInWords(integer);
  const currency = CURRENCIES[moneda];
  if (!currency) return `${words} ${centsText}/100 ${moneda}`;
  const roundMillions = integer >= 1_000_000n && integer % 1_000_000n === 0n;
  const noun = integer === 1n ? currency.singular : currency.plural;
  return `${words} ${roundMillions ? 'DE ' : ''}${noun} ${centsText}/100 ${currency.suffix}`;
}
