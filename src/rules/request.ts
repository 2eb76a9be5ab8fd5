/**
 * The quote request (tariff book §1) as a zod schema. Built per rule set, because the contract
 * terms, the handset models, the customer facts and the options a request may name are tariff
 * data (tariff.json, prices.json), not code.
 */
import { z } from 'zod';
import {
  REQUEST_DECIMAL_MESSAGE,
  requestDecimalString,
  safeTextCheck,
  UNSIGNED_DECIMAL_PATTERN,
  USAGE_FIELDS,
  type UsageField,
} from '../domain';
import { HUNDRED, parseDecimal } from '../money/money';
import { visit } from 'jsonc-parser';
import {
  AppError,
  issuePath,
  toFieldIssues,
  worded,
  type EnumChoice,
  type FieldIssue,
} from '../errors';
import type { CustomerFact, Declarations, RequestOption } from './declarations';

worded(REQUEST_DECIMAL_MESSAGE, 'issues.decimal');

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

export interface RequestVocabulary extends Declarations {
  contractTerms: readonly number[];
  handsetModels: readonly string[];
  /** Price-list codes and categories a negotiated adjustment may name. */
  itemCodes: readonly string[];
  categories: readonly string[];
}

/** Percent points with at most two decimals, 0–100: "5", "12.5". */
const negotiatedPercent = requestDecimalString
  .refine((value) => !/\.\d{3,}$/.test(value), {
    message: worded(
      'must have at most two decimals (percent points, "5" is 5 %)',
      'issues.percentDecimals',
    ),
  })
  .refine((value) => !UNSIGNED_DECIMAL_PATTERN.test(value) || parseDecimal(value).lte(HUNDRED), {
    message: worded('must be at most 100 (percent points)', 'issues.percentOver100'),
  });

function adjustmentSchema(vocabulary: RequestVocabulary) {
  const reason = z
    .string({ error: 'give the reason for the discount, for the deal sheet and the approver' })
    .trim()
    .min(1, {
      message: worded('must not be empty: say why the discount was negotiated', 'issues.noReason'),
    })
    .max(500)
    .check(safeTextCheck);
  const item = z.string().refine((code) => vocabulary.itemCodes.includes(code), {
    message: worded(
      `is not in the price list (known: ${vocabulary.itemCodes.join(', ')})`,
      'issues.unknownItem',
      { known: vocabulary.itemCodes.map((code) => ({ code })) },
    ),
  });
  const category = z.string().refine((code) => vocabulary.categories.includes(code), {
    message: worded(
      `is not a price-list category (known: ${vocabulary.categories.join(', ')})`,
      'issues.unknownCategory',
      { known: vocabulary.categories.map((code) => ({ code })) },
    ),
  });
  return z.union([
    z.strictObject({ item, percent: negotiatedPercent, reason }),
    z.strictObject({ category, percent: negotiatedPercent, reason }),
  ]);
}

/** A value of a declared fact or option, as a request gives it. */
export type DeclaredValue = string | number | boolean;

/**
 * A validated request. Its enterprise facts and its options are the ones the rule set declares
 * (tariff.json), so beyond the fixed fields TypeScript knows them only by name.
 */
export interface QuoteRequest {
  enterprise: { id: string; name: string; [fact: string]: DeclaredValue };
  termMonths: number;
  lines: number;
  usagePerLine: Record<UsageField, string>;
  handsets: { model: string; quantity: number }[];
  /** Discounts negotiated beyond the tariff, each with its reason (absent when none). */
  adjustments?: Adjustment[];
  /** What the enterprise pays today each month, tax-inclusive, for the proposal's comparison. */
  currentMonthlyBill?: string;
  [option: string]: unknown;
}

/** A negotiated discount: percent points off one item, or every item of a category. */
export type Adjustment = ({ item: string } | { category: string }) & {
  percent: string;
  reason: string;
};

export type QuoteRequestSchema = z.ZodType<QuoteRequest>;

const DEFAULT_INTEGER_MAX = 1_000_000_000;
const DEFAULT_COUNT_MAX = 1_000_000;

/** A field that is required, optional, or filled with a default when a request leaves it out. */
function presence<T extends z.ZodType>(
  field: T,
  declared: {
    required?: boolean | undefined;
    description?: string | undefined;
    names: { en: string };
  },
  fallback: z.core.util.NoUndefined<z.output<T>> | undefined,
): z.ZodType {
  const described = field.describe(declared.description ?? declared.names.en);
  if (fallback !== undefined && !declared.required) return described.default(fallback);
  return declared.required === false ? described.optional() : described;
}

/**
 * The values of each declared enum fact, with their names, by request schema: a request may
 * send a value's zh-CN or English name (`物流`, `Logistics`) for its code, and an error lists both.
 */
const enumFactsBySchema = new WeakMap<QuoteRequestSchema, ReadonlyMap<string, EnumChoice[]>>();

/** A declared customer fact as a request field. */
function factField(fact: CustomerFact): z.ZodType {
  switch (fact.type) {
    case 'enum': {
      const codes = fact.values.map((value) => value.code);
      const known = `must be one of ${fact.values.map((value) => `${value.code} (${value.names.en})`).join(', ')}, or the value's name in Chinese or English`;
      return presence(z.enum(codes, { error: known }), fact, fact.default);
    }
    case 'decimal':
      return presence(requestDecimalString, fact, fact.default);
    case 'integer':
      return presence(count(0, fact.max ?? DEFAULT_INTEGER_MAX), fact, fact.default);
    case 'boolean':
      return presence(z.boolean({ error: 'must be true or false' }), fact, fact.default);
    case 'date':
      return presence(
        z.iso.date({ error: worded('must be a date such as 2026-12-31', 'issues.date') }),
        fact,
        fact.default,
      );
  }
}

/** A declared option as a request field: false or 0 when left out, unless it is required. */
function optionField(option: RequestOption): z.ZodType {
  return option.type === 'boolean'
    ? presence(z.boolean({ error: 'must be true or false' }), option, false)
    : presence(count(0, option.max ?? DEFAULT_COUNT_MAX), option, 0);
}

export function buildRequestSchema(vocabulary: RequestVocabulary): QuoteRequestSchema {
  const terms = vocabulary.contractTerms;
  const models = vocabulary.handsetModels;
  const schema = z
    .strictObject(
      {
        enterprise: z.strictObject(
          {
            id: z
              .string()
              .trim()
              .min(1, { message: worded('must not be empty', 'issues.empty') })
              .max(64)
              .check(safeTextCheck),
            name: z
              .string()
              .trim()
              .min(1, { message: worded('must not be empty', 'issues.empty') })
              .max(200)
              .check(safeTextCheck),
            ...Object.fromEntries(
              vocabulary.customerFacts.map((fact) => [fact.name, factField(fact)]),
            ),
          },
          objectError,
        ),
        termMonths: z
          .int({ error: 'must be a whole number of months' })
          .refine((term) => terms.includes(term), {
            message: worded(`must be one of ${terms.join(', ')} months`, 'issues.termMonths', {
              terms: terms.map((term) => ({ code: String(term) })),
            }),
          }),
        lines: count(1, 1_000_000),
        usagePerLine: z.strictObject(
          Object.fromEntries(USAGE_FIELDS.map((field) => [field, requestDecimalString])),
          objectError,
        ),
        ...Object.fromEntries(
          vocabulary.options.map((option) => [option.name, optionField(option)]),
        ),
        handsets: z
          .array(
            z.strictObject({
              model: z.string().refine((model) => models.includes(model), {
                message: worded(
                  `is not a handset in the price list (known: ${models.join(', ')})`,
                  'issues.handsetModel',
                  { models: models.map((model) => ({ code: model })) },
                ),
              }),
              quantity: count(1, 1_000_000),
            }),
          )
          .max(100)
          .default([]),
        currentMonthlyBill: requestDecimalString
          .optional()
          .describe(
            'what the enterprise pays today each month, tax-inclusive: the proposal compares with it',
          ),
        adjustments: z
          .array(adjustmentSchema(vocabulary))
          .max(50)
          .optional()
          .describe(
            'discounts negotiated beyond the tariff, in percent points, each with a reason',
          ),
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
      const handsets = request.handsets as { model: string; quantity: number }[];
      const lines = request.lines as number;
      const seen = new Set<string>();
      handsets.forEach((handset, index) => {
        if (seen.has(handset.model)) {
          context.addIssue({
            code: 'custom',
            path: ['handsets', index, 'model'],
            message: `${handset.model} is listed twice; give one entry with the total quantity`,
            params: { text: { key: 'issues.handsetTwice', params: { model: handset.model } } },
          });
        }
        seen.add(handset.model);
      });
      // zod runs this even when fields above failed; a total against an invalid count says nothing.
      const counts = [lines, ...handsets.map((handset) => handset.quantity)];
      if (!counts.every((value) => Number.isSafeInteger(value) && value >= 1)) return;
      const handsetTotal = handsets.reduce((total, handset) => total + handset.quantity, 0);
      // §2: one handset per line at most. A structural limit of the offer, not a tunable threshold.
      if (handsetTotal > lines) {
        context.addIssue({
          code: 'custom',
          path: ['handsets'],
          message: `asks for ${handsetTotal} handsets for ${lines} lines; at most one handset per line`,
          params: {
            text: { key: 'issues.handsetsOverLines', params: { handsets: handsetTotal, lines } },
          },
        });
      }
    });
  // The declared fields are built from data, which TypeScript cannot follow: this is where the
  // generated schema is given the request's type.
  const requestSchema = schema as unknown as QuoteRequestSchema;
  enumFactsBySchema.set(
    requestSchema,
    new Map(
      vocabulary.customerFacts.flatMap((fact) =>
        fact.type === 'enum'
          ? [[fact.name, fact.values.map((value) => ({ code: value.code, names: value.names }))]]
          : [],
      ),
    ),
  );
  return requestSchema;
}

/**
 * The request with each enum fact given by a declared name (`物流`, `Logistics`) given by its code
 * instead; the input itself is left as it is. A name two values share, or that is another value's
 * code, stands for nothing and is refused as the schema refuses any unknown value.
 */
function withEnumCodes(input: unknown, enumFacts: ReadonlyMap<string, EnumChoice[]>): unknown {
  if (!isObject(input) || !isObject(input.enterprise)) return input;
  const enterprise: Record<string, unknown> = { ...input.enterprise };
  let renamed = false;
  for (const [fact, choices] of enumFacts) {
    const given = enterprise[fact];
    if (typeof given !== 'string' || choices.some((choice) => choice.code === given)) continue;
    const named = choices.filter(
      (choice) => choice.names?.['zh-CN'] === given || choice.names?.en === given,
    );
    if (named.length === 1) {
      enterprise[fact] = named[0]!.code;
      renamed = true;
    }
  }
  return renamed ? { ...input, enterprise } : input;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A JSON number as a request may write one: digits, an optional minus, nothing else. */
const INTEGER_LITERAL = /^-?(0|[1-9]\d*)$/;

/**
 * Numbers a request's JSON text writes with a fraction or an exponent. JSON.parse reads
 * `120.00000000000000001` and `1.2e2` as 120, so a count would be taken from text that does not
 * say it; only the text can tell. (Amounts and usage are decimal strings, so no number in a
 * request has a reason to carry a fraction.)
 */
export function inexactNumberIssues(text: string): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // The visitor recurses: a body nested thousands deep would overflow the stack. No request field
  // nests deeper than a few levels, so the schema has refused such a body already.
  if (nestingDepth(text) > MAX_SCANNED_DEPTH) return issues;
  visit(text, {
    onLiteralValue(value, offset, length, _line, _character, pathSupplier) {
      if (typeof value !== 'number') return;
      const literal = text.slice(offset, offset + length);
      if (INTEGER_LITERAL.test(literal)) return;
      issues.push({
        path: issuePath(pathSupplier()),
        message: `must be a whole number written as digits, such as 120 (got ${literal}); amounts and usage are decimal strings such as "12.5"`,
        text: { key: 'issues.inexactNumber', params: { literal } },
      });
    },
  });
  return issues;
}

const MAX_SCANNED_DEPTH = 32;

/** How deep arrays and objects nest in JSON text, counted without recursion (strings skipped). */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '[' || character === '{') deepest = Math.max(deepest, ++depth);
    else if (character === ']' || character === '}') depth--;
  }
  return deepest;
}

/**
 * Validates an untrusted request; throws an invalid-input AppError naming every bad field. With
 * the request's JSON text, a number written with a fraction or an exponent is refused too,
 * where the schema has not already refused the field.
 */
export function parseQuoteRequest(
  schema: QuoteRequestSchema,
  input: unknown,
  sourceText?: string,
): QuoteRequest {
  const enumFacts = enumFactsBySchema.get(schema) ?? new Map<string, EnumChoice[]>();
  const result = schema.safeParse(withEnumCodes(input, enumFacts), { reportInput: true });
  const issues = result.success
    ? []
    : toFieldIssues(result.error, (path) =>
        path.startsWith('enterprise.')
          ? enumFacts.get(path.slice('enterprise.'.length))
          : undefined,
      );
  if (sourceText !== undefined) {
    const flagged = new Set(issues.map((issue) => issue.path));
    issues.push(...inexactNumberIssues(sourceText).filter((issue) => !flagged.has(issue.path)));
  }
  if (issues.length > 0 || !result.success) {
    throw AppError.invalidInput(
      issues,
      `invalid quote request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    );
  }
  return result.data;
}
