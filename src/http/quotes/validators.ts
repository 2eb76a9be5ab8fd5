/** What the quote routes accept besides the quote request itself (whose schema is the rule set's). */
import { z } from 'zod';
import { endOfDay, isCalendarDate, startOfDay } from '../../calendar';
import { DEFAULT_PROPOSAL_LANGUAGE, PROPOSAL_LANGUAGES } from '../../proposals/input';
import { APPROVAL_LEVELS, QUOTE_STATES, quoteNumber, safeTextCheck } from '../../domain';
import { worded } from '../../errors';

export const quoteParams = z.object({ number: quoteNumber });

export const MAX_PAGE_SIZE = 200;
export const DEFAULT_PAGE_SIZE = 50;

/** A whole number in a query string; digits only, so "1e2", " 5" and "" are refused, not coerced. */
const queryInt = (minimum: number, maximum: number, fallback: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, {
      message: worded('must be a whole number, in digits', 'issues.wholeNumber'),
    })
    .transform(Number)
    .pipe(
      z
        .int()
        .min(minimum, { message: `must be at least ${minimum}` })
        .max(maximum, { message: `must be at most ${maximum}` }),
    )
    .optional()
    .transform((value) => value ?? fallback);

export const pagination = {
  limit: queryInt(1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE).describe(
    `page size, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
  ),
  offset: queryInt(0, 1_000_000_000, 0).describe('how many to skip (default 0)'),
};

/**
 * A bound on when quotes were created: a date-time with Z or an offset, or a calendar date, which
 * means a whole day in China (the day a proposal is dated), so `createdFrom=2026-11-01` starts at
 * the day's first instant and `createdTo=2026-11-30` includes the day's last. Normalized to ISO UTC.
 */
const createdBound = (edge: 'start' | 'end') =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: 'must be an ISO 8601 date (2026-11-01) or date-time (2026-11-01T08:00:00Z)',
    })
    .transform((value) => {
      if (!isCalendarDate(value)) return new Date(value).toISOString();
      return (edge === 'start' ? startOfDay(value) : endOfDay(value)).toISOString();
    });

/** An id to filter by: the same characters a stored id may hold, so both stores answer alike. */
const idFilter = z.string().min(1).max(64).check(safeTextCheck);

export const listQuotesQuery = z
  .strictObject({
    enterpriseId: idFilter.optional(),
    state: z.enum(QUOTE_STATES).optional(),
    accountManagerId: idFilter.optional(),
    approvalLevel: z.enum(APPROVAL_LEVELS).optional(),
    createdFrom: createdBound('start')
      .optional()
      .describe('created at or after this instant, or on or after this date (China time)'),
    createdTo: createdBound('end')
      .optional()
      .describe('created at or before this instant, or on or before this date (China time)'),
    ...pagination,
  })
  .superRefine((query, context) => {
    if (query.createdFrom && query.createdTo && query.createdFrom > query.createdTo) {
      context.addIssue({
        code: 'custom',
        path: ['createdTo'],
        message: 'must not be before createdFrom',
      });
    }
  });

/** An optional note on a lifecycle action; it goes into the audit log with the actor. */
export const transitionBody = z
  .strictObject({
    comment: z
      .string()
      .trim()
      .min(1, {
        message: worded('must not be empty (leave it out instead)', 'issues.emptyComment'),
      })
      .max(2000, { message: 'must be at most 2000 characters' })
      .optional(),
  })
  .optional()
  .transform((body) => body ?? {});

/** `?headroom=true` adds the deal desk's headroom to a preview. */
export const previewQuery = z.strictObject({
  headroom: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .optional()
    .transform((value) => value === 'true')
    .describe('true: add, per item, how much more may be negotiated before a higher approval'),
});

export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Idempotency-Key (IETF draft): printable ASCII, 1–200 characters, unique per intended request. */
export const createHeaders = z.object({
  [IDEMPOTENCY_KEY_HEADER]: z
    .string()
    .regex(/^[\x21-\x7e]{1,200}$/, {
      message: worded(
        'must be 1–200 printable ASCII characters, e.g. a UUID',
        'issues.idempotencyKey',
      ),
    })
    .optional()
    .describe(
      'A retry with the same key by the same user returns the first quote and stores nothing',
    ),
});

/** §9: a proposal or deal sheet is printed in Simplified Chinese unless English is asked for. */
export const printQuery = z.strictObject({
  lang: z
    .enum(PROPOSAL_LANGUAGES, { error: `must be one of ${PROPOSAL_LANGUAGES.join(', ')}` })
    .default(DEFAULT_PROPOSAL_LANGUAGE)
    .describe(
      `language: ${PROPOSAL_LANGUAGES.join(' or ')} (default ${DEFAULT_PROPOSAL_LANGUAGE})`,
    ),
});
