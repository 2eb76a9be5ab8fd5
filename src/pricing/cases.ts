/**
 * Rule cases: a request the pricing team writes beside the rules (`rules/cases/*.json`) with the
 * result it must price to — any part of the quote, in the quote's own shape. Running them is pure:
 * a rule set and cases in, each case's failing figures out. The command line reads the files
 * (`quote rules test`); the case file's JSON Schema is generated from the schema below, which is
 * built from the quote contract, so an expectation can name exactly the figures a quote has.
 */
import { z } from 'zod';
import { isDecimalString } from '../domain';
import { isAppError, toFieldIssues, type MessageParam, type MessageText } from '../errors';
import { parseDecimal } from '../money/money';
import type { RuleSet } from '../rules/compile';
import { priceQuote, type PricingContext } from './price';
import {
  quoteBenefitsSchema,
  quoteInternalSchema,
  quoteItemSchema,
  quoteTotalsSchema,
  type QuoteOutcome,
} from './quote';

/** The parts of a priced quote an expectation may name; a refusal has only its reasons. */
const PRICED_PARTS = ['tier', 'items', 'totals', 'benefits', 'internal'] as const;
type PricedPart = (typeof PRICED_PARTS)[number];
/** The keys of an expectation, whatever their values: what the schema's own refinement reads. */
type ExpectationKeys = Partial<Record<'eligible' | 'reasons' | PricedPart, unknown>>;

/** What a case expects: any subset of the quote. Decimals match by value ("864" is "864.00"). */
export const quoteExpectationSchema = z
  .strictObject({
    eligible: z
      .boolean()
      .optional()
      .describe('false: the tariff refuses the request (implied by "reasons")'),
    reasons: z
      .array(z.string())
      .optional()
      .describe('a refused request: every reason the quote gives, in any order'),
    tier: z.string().optional(),
    items: z
      .record(z.string(), quoteItemSchema.omit({ code: true }).partial().nullable())
      .optional()
      .describe(
        'by price-list code: any of the item’s figures; null: the item is not on the quote',
      ),
    totals: quoteTotalsSchema.partial().optional(),
    benefits: quoteBenefitsSchema.partial().optional(),
    internal: quoteInternalSchema
      .omit({ approvalRules: true })
      .partial()
      .optional()
      .describe('costs, margin and the approval level (§5, §8)'),
  })
  .refine(
    (expected) =>
      !(expectsRefusal(expected) && (expectsPrice(expected) || expected.eligible === true)),
    {
      message: 'a refused request has reasons, not a tier, items or figures',
    },
  );
export type QuoteExpectation = z.infer<typeof quoteExpectationSchema>;

/** One case file in `rules/cases/`; the case is named by its file. */
export const ruleCaseFileSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().min(1).describe('what the case shows, e.g. the tariff book section'),
  quoteDate: z.iso
    .date({ error: 'must be a date such as 2026-12-31' })
    .optional()
    .describe('the China calendar date the request is priced on (needed by dated rules)'),
  request: z
    .record(z.string(), z.unknown())
    .describe('a quote request, as `quote price` and POST /api/quotes take it'),
  expect: quoteExpectationSchema,
});
export type RuleCaseFile = z.infer<typeof ruleCaseFileSchema>;

export interface RuleCase {
  name: string;
  description: string;
  quoteDate?: string;
  request: Record<string, unknown>;
  expect: QuoteExpectation;
}

/** A case that is not one (not valid JSON, not a case file): its name, and what is wrong where. */
export interface BrokenCase {
  name: string;
  failures: CaseFailure[];
}

/** A case file's parsed JSON as a case named `name`, or what keeps it from being one. */
export function ruleCaseFrom(name: string, content: unknown): RuleCase | BrokenCase {
  const parsed = ruleCaseFileSchema.safeParse(content);
  if (!parsed.success) {
    return {
      name,
      failures: toFieldIssues(parsed.error).map((issue) => ({
        path: issue.path === '(request)' ? '(file)' : issue.path,
        message: issue.message,
        ...(issue.text ? { text: issue.text } : {}),
      })),
    };
  }
  const { description, quoteDate, request, expect } = parsed.data;
  return { name, description, ...(quoteDate ? { quoteDate } : {}), request, expect };
}

export function isBrokenCase(read: RuleCase | BrokenCase): read is BrokenCase {
  return 'failures' in read;
}

/** One way a case did not come out: `path` in the quote's shape, `expected X, got Y`. */
export interface CaseFailure {
  path: string;
  /** In English, as the command line prints it. */
  message: string;
  /** The same, to be worded in another language (under `errors.` in the locale files). */
  text?: MessageText;
}

export interface CaseResult {
  name: string;
  passed: boolean;
  failures: CaseFailure[];
  /** The quote the case priced to; absent when its request could not be priced. */
  quote?: QuoteOutcome;
}

/** Prices one case's request on its quote date. Throws what pricing throws. */
export function priceCase(
  ruleSet: RuleSet,
  ruleCase: Pick<RuleCase, 'request' | 'quoteDate'>,
  context: Pick<PricingContext, 'referenceEngine'> = {},
): Promise<QuoteOutcome> {
  return priceQuote(ruleSet, ruleCase.request, {
    ...context,
    ...(ruleCase.quoteDate === undefined ? {} : { quoteDate: ruleCase.quoteDate }),
  });
}

/** Prices every case and compares it with what it expects. */
export async function runRuleCases(
  ruleSet: RuleSet,
  cases: readonly RuleCase[],
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const ruleCase of cases) results.push(await runRuleCase(ruleSet, ruleCase));
  return results;
}

export async function runRuleCase(ruleSet: RuleSet, ruleCase: RuleCase): Promise<CaseResult> {
  const [compiled, reference] = await Promise.all([
    settle(priceCase(ruleSet, ruleCase)),
    settle(priceCase(ruleSet, ruleCase, { referenceEngine: true })),
  ]);
  const disagreement = evaluationsDisagree(compiled, reference);
  if ('error' in compiled) {
    const failures = [...pricingFailures(compiled.error), ...disagreement];
    return { name: ruleCase.name, passed: false, failures };
  }
  const quote = compiled.quote;
  const failures = [...compareQuote(ruleCase.expect, quote), ...disagreement];
  return { name: ruleCase.name, passed: failures.length === 0, failures, quote };
}

/** A case priced one way: the quote, or what pricing threw. */
export type CasePricing = { quote: QuoteOutcome } | { error: unknown };

async function settle(pricing: Promise<QuoteOutcome>): Promise<CasePricing> {
  try {
    return { quote: await pricing };
  } catch (error) {
    return { error };
  }
}

/**
 * Quotes are priced by the rules' compiled form; json-rules-engine, whose format the rule files
 * are, is the reference. A case the two price differently (a figure, a firing, its explanation or
 * the error) is a failure of its own, at the first place they part.
 */
export function evaluationsDisagree(compiled: CasePricing, reference: CasePricing): CaseFailure[] {
  const [ours, theirs] = [compiled, reference].map((pricing) =>
    'quote' in pricing ? pricing.quote : { error: (pricing.error as Error).message },
  );
  const parting = firstDifference('', ours, theirs);
  if (!parting) return [];
  return [
    {
      path: '(evaluation)',
      message: `the compiled rules and json-rules-engine price this case differently at ${parting.path || '(quote)'}: ${shown(parting.compiled)} against ${shown(parting.reference)}`,
      text: {
        key: 'cases.evaluationsDisagree',
        params: {
          path: parting.path || '(quote)',
          compiled: shown(parting.compiled),
          reference: shown(parting.reference),
        },
      },
    },
  ];
}

interface Parting {
  path: string;
  compiled: unknown;
  reference: unknown;
}

function firstDifference(path: string, compiled: unknown, reference: unknown): Parting | undefined {
  const bothObjects =
    compiled !== null &&
    reference !== null &&
    typeof compiled === 'object' &&
    typeof reference === 'object' &&
    Array.isArray(compiled) === Array.isArray(reference);
  if (!bothObjects) {
    return JSON.stringify(compiled) === JSON.stringify(reference)
      ? undefined
      : { path, compiled, reference };
  }
  const keys = new Set([...Object.keys(compiled), ...Object.keys(reference)]);
  for (const key of keys) {
    const parting = firstDifference(
      path ? `${path}.${key}` : key,
      (compiled as Record<string, unknown>)[key],
      (reference as Record<string, unknown>)[key],
    );
    if (parting) return parting;
  }
  return undefined;
}

/**
 * An invalid request names each bad field under `request.` (the quote date is the case's own
 * field); a rule-set error is the pricing's.
 */
function pricingFailures(error: unknown): CaseFailure[] {
  if (isAppError(error) && error.details.issues?.length) {
    return error.details.issues.map((issue) => ({
      path:
        issue.path === '(request)'
          ? 'request'
          : issue.path === 'quoteDate'
            ? 'quoteDate'
            : `request.${issue.path}`,
      message: issue.message,
      ...(issue.text ? { text: issue.text } : {}),
    }));
  }
  const text = isAppError(error) ? error.text : undefined;
  return [{ path: '(pricing)', message: (error as Error).message, ...(text ? { text } : {}) }];
}

/** Every figure the expectation names that the quote does not have, in the expectation's order. */
export function compareQuote(expected: QuoteExpectation, quote: QuoteOutcome): CaseFailure[] {
  const wantsEligible =
    expected.eligible ??
    (expectsRefusal(expected) ? false : expectsPrice(expected) ? true : undefined);
  if (wantsEligible !== undefined && wantsEligible !== quote.eligible) {
    return [
      {
        path: 'eligible',
        ...(quote.eligible
          ? {
              message: `expected false, got true (tier ${quote.tier})`,
              text: { key: 'cases.unexpectedlyEligible', params: { tier: quote.tier } },
            }
          : {
              message: `expected true, got false (${quote.reasons.join('; ')})`,
              text: {
                key: 'cases.unexpectedlyRefused',
                params: { reasons: quote.reasons.join('; ') },
              },
            }),
      },
    ];
  }
  if (!quote.eligible)
    return expected.reasons ? compareReasons(expected.reasons, quote.reasons) : [];
  const failures: CaseFailure[] = [];
  const observed: Record<string, unknown> = {
    tier: quote.tier,
    items: Object.fromEntries(quote.items.map(({ code, ...item }) => [code, item])),
    totals: quote.totals,
    benefits: quote.benefits,
    internal: quote.internal,
  };
  for (const key of PRICED_PARTS) {
    if (expected[key] !== undefined) compare(key, expected[key], observed[key], failures);
  }
  return failures;
}

function compare(path: string, expected: unknown, actual: unknown, failures: CaseFailure[]): void {
  if (expected === null) {
    if (actual !== undefined) {
      failures.push({
        path,
        message: 'expected none, got one',
        text: { key: 'cases.expectedNone' },
      });
    }
    return;
  }
  if (typeof expected === 'object' && !Array.isArray(expected)) {
    if (actual === undefined || actual === null || typeof actual !== 'object') {
      failures.push({
        path,
        message: 'expected one, got none',
        text: { key: 'cases.expectedOne' },
      });
      return;
    }
    for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
      compare(`${path}.${key}`, value, (actual as Record<string, unknown>)[key], failures);
    }
    return;
  }
  if (!sameValue(expected, actual)) {
    failures.push(mismatch(path, expected, actual));
  }
}

function compareReasons(expected: readonly string[], actual: readonly string[]): CaseFailure[] {
  const sorted = (reasons: readonly string[]) => [...reasons].sort();
  if (JSON.stringify(sorted(expected)) === JSON.stringify(sorted(actual))) return [];
  return [mismatch('reasons', expected, actual)];
}

function mismatch(path: string, expected: unknown, actual: unknown): CaseFailure {
  const param = (value: unknown): MessageParam =>
    value === undefined ? { term: 'cases.nothing' } : shown(value);
  return {
    path,
    message: `expected ${shown(expected)}, got ${shown(actual)}`,
    text: { key: 'cases.mismatch', params: { expected: param(expected), got: param(actual) } },
  };
}

/** Decimal strings are equal by value, so "864" matches "864.00"; anything else must be identical. */
function sameValue(expected: unknown, actual: unknown): boolean {
  if (isDecimalString(expected) && isDecimalString(actual))
    return parseDecimal(expected).eq(parseDecimal(actual));
  return JSON.stringify(expected) === JSON.stringify(actual);
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function expectsRefusal(expected: ExpectationKeys): boolean {
  return expected.reasons !== undefined || expected.eligible === false;
}

function expectsPrice(expected: ExpectationKeys): boolean {
  return PRICED_PARTS.some((key) => expected[key] !== undefined);
}

/** The JSON Schema of a case file, for editors: `rules/schema/cases.schema.json`. */
export function ruleCaseJsonSchema(): unknown {
  return z.toJSONSchema(ruleCaseFileSchema, { target: 'draft-2020-12', io: 'input' });
}
