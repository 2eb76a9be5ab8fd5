/**
 * The shapes of the files in `rules/`, as zod schemas. They validate files when a rule set loads
 * and are the source of the JSON Schemas in `rules/schema/` that editors use while typing.
 */
import { z } from 'zod';
import { COMPONENTS, type Component } from './components';
import { localizedText, nonNegativeDecimalString, tierCode, USAGE_FIELDS } from '../domain';

const nonNegativeMoney = nonNegativeDecimalString;

export const tariffFileSchema = z.strictObject({
  $schema: z.string().optional(),
  name: z.string().min(1),
  version: z
    .string()
    .min(1)
    .describe('the published version of the tariff book these files encode'),
  currency: z.literal('CNY'),
  contractTerms: z
    .array(z.int().positive())
    .min(1)
    .describe('contract terms in months a request may ask for'),
  validityDays: z.int().positive().describe('how long a quote stays valid'),
  tiers: z
    .array(z.strictObject({ code: tierCode, names: localizedText }))
    .min(1)
    .describe('customer tiers (§3), in order from highest to lowest'),
});

const quantityBasis = z.union([
  z.strictObject({ basis: z.literal('lines'), onlyIf: z.literal('ringbackTone').optional() }),
  z.strictObject({
    basis: z.literal('usagePerLine'),
    field: z.enum(USAGE_FIELDS),
  }),
  z.strictObject({ basis: z.literal('handsets') }),
]);

export const priceItemSchema = z.strictObject({
  code: z
    .string()
    .regex(/^[A-Z0-9][A-Z0-9_-]*$/, { message: 'must be upper-case letters, digits, _ or -' }),
  names: localizedText,
  unitNames: localizedText,
  category: z.string().min(1).describe('a group that percent-off rules can target, e.g. handset'),
  kind: z.enum(['recurring', 'one-time']),
  unitPrice: nonNegativeMoney.describe('tax-inclusive CNY per unit'),
  vatClass: z.string().min(1),
  quantity: quantityBasis.describe('how a request sets the quantity (§7)'),
});

export const pricesFileSchema = z.strictObject({
  $schema: z.string().optional(),
  vatClasses: z.record(
    z.string(),
    z.strictObject({
      rate: nonNegativeMoney.describe('a fraction: "0.09" is 9 %'),
      names: localizedText,
    }),
  ),
  items: z.array(priceItemSchema).min(1),
});

export const costsFileSchema = z.strictObject({
  $schema: z.string().optional(),
  unitCosts: z
    .record(z.string(), nonNegativeMoney)
    .describe('tax-exclusive CNY cost per unit, by price-list code (§5)'),
});

export const OPERATORS = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'decimalEqual',
  'decimalNotEqual',
  'decimalLessThan',
  'decimalLessThanInclusive',
  'decimalGreaterThan',
  'decimalGreaterThanInclusive',
] as const;
export type OperatorName = (typeof OPERATORS)[number];
export const DECIMAL_OPERATORS: ReadonlySet<string> = new Set(
  OPERATORS.filter((op) => op.startsWith('decimal')),
);

const scalarValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const leafConditionSchema = z.strictObject({
  fact: z.string().min(1),
  path: z
    .string()
    .min(1)
    .optional()
    .describe('a dot path into an object fact, e.g. "$.creditRating"'),
  operator: z.enum(OPERATORS),
  value: z.union([scalarValue, z.array(scalarValue)]),
});
export type LeafCondition = z.infer<typeof leafConditionSchema>;

export type ConditionNode =
  { all: ConditionNode[] } | { any: ConditionNode[] } | { not: ConditionNode } | LeafCondition;
export type TopLevelCondition =
  { all: ConditionNode[] } | { any: ConditionNode[] } | { not: ConditionNode };

const conditionNodeSchema: z.ZodType<ConditionNode> = z.lazy(() =>
  z.union([
    z.strictObject({ all: z.array(conditionNodeSchema) }),
    z.strictObject({ any: z.array(conditionNodeSchema) }),
    z.strictObject({ not: conditionNodeSchema }),
    leafConditionSchema,
  ]),
);

const topLevelConditionSchema: z.ZodType<TopLevelCondition> = z.union([
  z.strictObject({ all: z.array(conditionNodeSchema) }),
  z.strictObject({ any: z.array(conditionNodeSchema) }),
  z.strictObject({ not: conditionNodeSchema }),
]);

/** A rule's event: `{ type, params }` of one of the registered components. */
function eventUnion([first, ...rest]: readonly [Component, ...Component[]]) {
  return z.discriminatedUnion('type', [first.event, ...rest.map((component) => component.event)]);
}
const eventSchema = eventUnion(COMPONENTS);
/** An event as a rule file writes it; its params are parsed by its component when the set compiles. */
export interface RuleEvent {
  type: string;
  params: Record<string, unknown>;
}

export const ruleSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, {
    message: 'must be lower-case kebab-case, e.g. long-distance-key',
  }),
  description: z.string().optional(),
  priority: z.int().min(1).describe('higher runs first; rules of equal priority run together'),
  conditions: topLevelConditionSchema,
  event: eventSchema,
});
export type RuleDefinition = Omit<z.infer<typeof ruleSchema>, 'event' | 'conditions'> & {
  conditions: TopLevelCondition;
  event: RuleEvent;
};

export const ruleFileSchema = z.strictObject({
  $schema: z.string().optional(),
  phase: z
    .enum(['offer', 'approval'])
    .describe('offer rules price the request; approval rules read the priced margin'),
  description: z.string().optional(),
  rules: z.array(ruleSchema),
});

export type TariffFile = z.infer<typeof tariffFileSchema>;
export type PricesFile = z.infer<typeof pricesFileSchema>;
export type PriceItem = z.infer<typeof priceItemSchema>;
export type CostsFile = z.infer<typeof costsFileSchema>;

/** The JSON Schemas committed under rules/schema/, keyed by their file name there. */
export function jsonSchemas(): Record<string, unknown> {
  const generate = (schema: z.ZodType) =>
    z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
  return {
    'tariff.schema.json': generate(tariffFileSchema),
    'prices.schema.json': generate(pricesFileSchema),
    'costs.schema.json': generate(costsFileSchema),
    'rules.schema.json': generate(ruleFileSchema),
  };
}
