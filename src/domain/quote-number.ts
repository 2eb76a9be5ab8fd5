import { z } from 'zod';

/** Q-YYYY-NNNNNN: unique and gap-free per (China) calendar year. */
export const QUOTE_NUMBER_PATTERN = /^Q-\d{4}-\d{6}$/;

/** What a quote number that is not one is told (worded in other languages by src/errors.ts). */
export const QUOTE_NUMBER_MESSAGE = 'must be a quote number such as Q-2026-000001';

export const quoteNumber = z
  .string()
  .regex(QUOTE_NUMBER_PATTERN, { message: QUOTE_NUMBER_MESSAGE });
