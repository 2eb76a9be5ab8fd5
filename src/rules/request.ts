/**
 * The quote request (tariff book §1) as a zod schema. Built per rule set, because the contract
 * terms and handset models a request may name are tariff data, not code.
 */
import { z } from 'zod';
import { CREDIT_RATINGS, INDUSTRIES, PURCHASING_MODES, requestDecimalString } from '../domain';
import { AppError, toFieldIssues } from '../errors';

/** Only a missing or mistyped object gets this wording; other issues (unknown keys) keep zod's. */
const objectError = {
  error: (issue: { code?: string; input?: unknown }) =>
    issue.code !== 'invalid_type'
      ? undefined
      : issue.input === undefined
        ? 'is required'
        : 'must be an object',
};

const count = (minimum: number, maximum: number) =>
  z
    .int({
      error: (issue) => (issue.input === undefined ? 'is required' : 'must be a whole number'),
    })
    .min(minimum, { message: `must be at least ${minimum}` })
    .max(maximum, { message: `must be at most ${maximum}` });

export interface RequestVocabulary {
  contractTerms: readonly number[];
  handsetModels: readonly string[];
}

export function buildRequestSchema(vocabulary: RequestVocabulary) {
  const terms = vocabulary.contractTerms;
  const models = vocabulary.handsetModels;
  return z
    .strictObject(
      {
        enterprise: z.strictObject(
          {
            id: z.string().trim().min(1, { message: 'must not be empty' }).max(64),
            name: z.string().trim().min(1, { message: 'must not be empty' }).max(200),
            industry: z.enum(INDUSTRIES),
            creditRating: z.enum(CREDIT_RATINGS),
            purchasing: z.enum(PURCHASING_MODES),
            annualSpend: requestDecimalString,
          },
          objectError,
        ),
        termMonths: z
          .int({ error: 'must be a whole number of months' })
          .refine((term) => terms.includes(term), {
            message: `must be one of ${terms.join(', ')} months`,
          }),
        lines: count(1, 1_000_000),
        usagePerLine: z.strictObject(
          {
            localMinutes: requestDecimalString,
            groupMinutes: requestDecimalString,
            longDistanceMinutes: requestDecimalString,
            sms: requestDecimalString,
            dataGB: requestDecimalString,
          },
          objectError,
        ),
        ringbackTone: z.boolean({ error: 'must be true or false' }),
        handsets: z
          .array(
            z.strictObject({
              model: z.string().refine((model) => models.includes(model), {
                message: `is not a handset in the price list (known: ${models.join(', ')})`,
              }),
              quantity: count(1, 1_000_000),
            }),
          )
          .max(100)
          .default([]),
      },
      {
        error: (issue) =>
          issue.code !== 'invalid_type'
            ? undefined
            : issue.input === undefined
              ? 'a request body is required'
              : 'must be a JSON object',
      },
    )
    .superRefine((request, context) => {
      const seen = new Set<string>();
      request.handsets.forEach((handset, index) => {
        if (seen.has(handset.model)) {
          context.addIssue({
            code: 'custom',
            path: ['handsets', index, 'model'],
            message: `${handset.model} is listed twice; give one entry with the total quantity`,
          });
        }
        seen.add(handset.model);
      });
      // zod runs this even when fields above failed; a total against an invalid count says nothing.
      const counts = [request.lines, ...request.handsets.map((handset) => handset.quantity)];
      if (!counts.every((value) => Number.isSafeInteger(value) && value >= 1)) return;
      const handsetTotal = request.handsets.reduce((total, handset) => total + handset.quantity, 0);
      // §2: one handset per line at most. A structural limit of the offer, not a tunable threshold.
      if (handsetTotal > request.lines) {
        context.addIssue({
          code: 'custom',
          path: ['handsets'],
          message: `asks for ${handsetTotal} handsets for ${request.lines} lines; at most one handset per line`,
        });
      }
    });
}

export type QuoteRequestSchema = ReturnType<typeof buildRequestSchema>;
export type QuoteRequest = z.output<QuoteRequestSchema>;

/** Validates an untrusted request; throws an invalid-input AppError naming every bad field. */
export function parseQuoteRequest(schema: QuoteRequestSchema, input: unknown): QuoteRequest {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issues = toFieldIssues(result.error);
    throw AppError.invalidInput(
      issues,
      `invalid quote request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}
