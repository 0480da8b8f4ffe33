/**
 * Until when a ticket can be invoiced: the company's invoicing window counted from the sale's
 * local date, ending at 23:59:59 on the wall clock of the company's time zone.
 */
import { daysInMonth, instantFromLocal, localParts } from './time.ts';

export const INVOICING_WINDOWS = ['week', 'fortnight', 'month', 'end_of_month'] as const;
export type InvoicingWindow = (typeof INVOICING_WINDOWS)[number];

interface LocalDate {
  year: number;
  month: number;
  day: number;
}

function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Same day next month, or that month's last day when it is shorter (Jan 31 -> Feb 28/29). */
function addOneMonth(date: LocalDate): LocalDate {
  const year = date.month === 12 ? date.year + 1 : date.year;
  const month = date.month === 12 ? 1 : date.month + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/**
 * The last instant a ticket sold at `soldAt` may be invoiced:
 * - `week`: the sale's local date + 7 days; `fortnight`: + 15 days;
 * - `month`: the same day one month later (clamped to the month's last day);
 * - `end_of_month`: the last day of the sale's month;
 * each at 23:59:59 local time in `timeZone` (DST-aware, e.g. America/Tijuana).
 */
export function computeDeadline(soldAt: Date, window: InvoicingWindow, timeZone: string): Date {
  const { year, month, day } = localParts(soldAt, timeZone);
  const sale = { year, month, day };
  let last: LocalDate;
  switch (window) {
    case 'week':
      last = addDays(sale, 7);
      break;
    case 'fortnight':
      last = addDays(sale, 15);
      break;
    case 'month':
      last = addOneMonth(sale);
      break;
    case 'end_of_month':
      last = { year, month, day: daysInMonth(year, month) };
      break;
  }
  return instantFromLocal({ ...last, hour: 23, minute: 59, second: 59 }, timeZone);
}
