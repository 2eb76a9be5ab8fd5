/** Quote numbers `Q-YYYY-NNNNNN`: the year, then the quote's place in that year (tariff book §9). */
import { calendarYear } from '../calendar';

/** Six digits at least; a year past 999 999 quotes grows a seventh rather than failing. */
const SEQUENCE_DIGITS = 6;

export function formatQuoteNumber(year: number, sequence: number): string {
  return `Q-${year}-${String(sequence).padStart(SEQUENCE_DIGITS, '0')}`;
}

/**
 * The numbering year of a quote: the year its `createdAt` falls in in China, so that a quote
 * created on 1 January there is numbered in the year its proposal is dated.
 */
export function numberingYear(createdAt: string): number {
  return calendarYear(createdAt);
}
