/** Option values several commands take, checked where they are parsed (a bad one exits 2). */
import { InvalidArgumentError } from 'commander';
import { QUOTE_NUMBER_PATTERN } from '../domain';

export function quoteNumberOption(value: string): string {
  if (!QUOTE_NUMBER_PATTERN.test(value)) {
    throw new InvalidArgumentError('It must look like Q-2026-000001 (Q-YYYY-NNNNNN).');
  }
  return value;
}

/** A real calendar date: 2026-02-30 is refused, not rolled over to March. */
export function calendarDateOption(value: string): string {
  const date = new Date(`${value}T00:00:00Z`);
  const valid =
    /^\d{4}-\d{2}-\d{2}$/.test(value) &&
    !Number.isNaN(date.getTime()) &&
    date.toISOString().slice(0, 10) === value;
  if (!valid) throw new InvalidArgumentError('It must be a date such as 2026-11-27.');
  return value;
}
