/**
 * Decimal strings: the one textual form of every amount, rate and threshold at a boundary (JSON
 * requests, rule files, stored quotes, API answers). The money module parses them; this module
 * only says what one looks like.
 */
import { z } from 'zod';

/** A plain decimal string: digits, an optional fraction, an optional leading minus. No exponent, no comma. */
export const DECIMAL_PATTERN = /^-?(0|[1-9]\d*)(\.\d+)?$/;
/** The same, unsigned. Request amounts and usage are never negative. */
export const UNSIGNED_DECIMAL_PATTERN = /^(0|[1-9]\d*)(\.\d+)?$/;

export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_PATTERN.test(value);
}

/** An exact decimal string, signed: rule-file constants and every amount the API answers with. */
export const decimalString = z.string().regex(DECIMAL_PATTERN, {
  message: 'must be a decimal string such as "12.5" (no comma, no exponent)',
});

/** An amount or figure the service answers with, as the API documents it. */
export const exactDecimal = decimalString.describe('an exact decimal string, e.g. "4104.00"');

/** A decimal string that is not negative: prices, costs, rates and percentages in rule files. */
export const nonNegativeDecimalString = decimalString.refine((value) => !value.startsWith('-'), {
  message: 'must not be negative',
});

/** The longest decimal a request may carry; no real amount or usage figure comes near it. */
export const MAX_REQUEST_DECIMAL_LENGTH = 24;

/**
 * A decimal in a quote request: a string (a JSON number may already have lost digits before we
 * see it), unsigned, and short.
 */
/** What a request decimal that is not one is told (worded in other languages by src/rules). */
export const REQUEST_DECIMAL_MESSAGE =
  'must be a non-negative decimal string such as "12.5" (digits and one dot; no comma, sign or exponent)';

export const requestDecimalString = z
  .string({
    error: (issue) =>
      issue.input === undefined ? 'is required' : 'must be a decimal string such as "12.5"',
  })
  .max(MAX_REQUEST_DECIMAL_LENGTH, {
    message: `must have at most ${MAX_REQUEST_DECIMAL_LENGTH} characters`,
  })
  .regex(UNSIGNED_DECIMAL_PATTERN, { message: REQUEST_DECIMAL_MESSAGE });
