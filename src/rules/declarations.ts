/**
 * What a tariff declares about the requests it prices, in `tariff.json`: the customer facts a
 * request carries under `enterprise` (industry, credit rating, …, or a new one such as
 * `purchaseFrequency`) and the options a customer may take (the ringback tone, a count of cloud
 * PBX seats), which price-list items read their quantity from. The request schema, the facts
 * rules may read, the JSON Schemas and the OpenAPI document are all generated from these, so a
 * pricing analyst adds a fact or a product with data alone.
 */
import { z } from 'zod';
import { decimalString, localizedText } from '../domain';

/** camelCase, as JSON request fields are: `annualSpend`, `purchaseFrequency`. */
export const DECLARED_NAME_PATTERN = /^[a-z][A-Za-z0-9]*$/;
const declaredName = z
  .string()
  .regex(DECLARED_NAME_PATTERN, { message: 'must be a camelCase name such as purchaseFrequency' });

const described = {
  names: localizedText.describe('the field’s label in forms and documents'),
  description: z.string().optional().describe('what the field means, for analysts and the API'),
};

const calendarDate = z.iso.date({ error: 'must be a date such as 2026-12-31' });
const wholeNumber = z.int().min(0);

/** One value of an enumeration, with the words forms and proposals show for it. */
export const enumValueSchema = z.strictObject({
  code: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
    message: 'must be letters, digits, _ or - (e.g. AAA, logistics)',
  }),
  names: localizedText,
});

/** A customer fact: `required`, or a `default` used when a request leaves it out. */
export const customerFactSchema = z.discriminatedUnion('type', [
  z.strictObject({
    name: declaredName,
    type: z.literal('enum'),
    values: z.array(enumValueSchema).min(1),
    required: z.boolean().optional(),
    default: z.string().optional(),
    ...described,
  }),
  z.strictObject({
    name: declaredName,
    type: z.literal('decimal'),
    required: z.boolean().optional(),
    default: decimalString.optional(),
    ...described,
  }),
  z.strictObject({
    name: declaredName,
    type: z.literal('integer'),
    max: wholeNumber
      .optional()
      .describe('the largest value a request may give (default 1,000,000,000)'),
    required: z.boolean().optional(),
    default: wholeNumber.optional(),
    ...described,
  }),
  z.strictObject({
    name: declaredName,
    type: z.literal('boolean'),
    required: z.boolean().optional(),
    default: z.boolean().optional(),
    ...described,
  }),
  z.strictObject({
    name: declaredName,
    type: z.literal('date'),
    required: z.boolean().optional(),
    default: calendarDate.optional(),
    ...described,
  }),
]);
export type CustomerFact = z.infer<typeof customerFactSchema>;

/**
 * An option a request may take, which price-list items read their quantity from: `boolean`
 * (the ringback tone on every line: `{ "basis": "lines", "onlyIf": "ringbackTone" }`) or `count`
 * (`{ "basis": "option", "option": "pbxSeats" }`). Left out of a request, a boolean is false and a
 * count is 0, unless the option is `required`.
 */
export const requestOptionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    name: declaredName,
    type: z.literal('boolean'),
    required: z.boolean().optional(),
    ...described,
  }),
  z.strictObject({
    name: declaredName,
    type: z.literal('count'),
    max: wholeNumber
      .optional()
      .describe('the largest count a request may give (default 1,000,000)'),
    required: z.boolean().optional(),
    ...described,
  }),
]);
export type RequestOption = z.infer<typeof requestOptionSchema>;

export interface Declarations {
  customerFacts: readonly CustomerFact[];
  options: readonly RequestOption[];
}

/** Request fields whose meaning is fixed by the code; no declared option may take their name. */
export const FIXED_REQUEST_FIELDS = [
  'enterprise',
  'termMonths',
  'lines',
  'usagePerLine',
  'handsets',
] as const;

/** Facts the pricing core sets for rules itself; no option may take their name either. */
export const COMPUTED_FACTS = [
  'tier',
  'handsetCount',
  'quoteDate',
  'monthlyNet',
  'contractValue',
  'revenueExclTax',
  'totalCost',
  'margin',
  'marginPct',
  'negotiatedPercent',
] as const;

/** Enterprise fields every request has, whatever the tariff declares. */
export const ENTERPRISE_IDENTITY_FIELDS = ['id', 'name'] as const;

/** The words for a declared enum value, or undefined (for proposals and forms). */
export function enumValueNames(
  declarations: Pick<Declarations, 'customerFacts'>,
  fact: string,
  code: string,
): z.infer<typeof localizedText> | undefined {
  const declared = declarations.customerFacts.find((entry) => entry.name === fact);
  if (declared?.type !== 'enum') return undefined;
  return declared.values.find((value) => value.code === code)?.names;
}
