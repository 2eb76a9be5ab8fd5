/**
 * The shapes of the files in `rules/`, as zod schemas. They validate files when a rule set loads
 * and are the source of the JSON Schemas in `rules/schema/` that editors use while typing.
 */
import { z } from 'zod';
import { COMPONENTS, type Component } from './components';
import { customerFactSchema, requestOptionSchema } from './declarations';
import { localizedText, nonNegativeDecimalString, tierCode, USAGE_FIELDS } from '../domain';
import { worded } from '../errors';

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
  operator: z
    .strictObject({
      legalName: localizedText.describe('as registered, e.g. 华东通信集团有限公司'),
    })
    .optional()
    .describe(
      "the operator's legal entity: the party a proposal names as offering the plan and signing for it",
    ),
  tiers: z
    .array(z.strictObject({ code: tierCode, names: localizedText }))
    .min(1)
    .describe('customer tiers (§3), in order from highest to lowest'),
  customerFacts: z
    .array(customerFactSchema)
    .default([])
    .describe(
      'the facts a request carries about the customer, under "enterprise" (besides id and name); rules read them with "fact": "enterprise", "path": "$.<name>"',
    ),
  options: z
    .array(requestOptionSchema)
    .default([])
    .describe(
      'options a request may take (yes/no or a count), which price-list items read their quantity from; rules read them as facts of their own name',
    ),
  publication: z
    .strictObject({
      fourEyes: z
        .boolean()
        .describe(
          'true: whoever publishes a rule set must not be who pushed it (four eyes); applies when the live set or the one being published says so',
        ),
    })
    .optional()
    .describe('how a rule set is published (quote rulesets publish)'),
});

const optionName = z.string().min(1).describe('a yes/no option declared in tariff.json');

const quantityBasis = z.union([
  z
    .strictObject({ basis: z.literal('lines'), onlyIf: optionName.optional() })
    .describe('one per line; with onlyIf, only when the request takes that yes/no option'),
  z
    .strictObject({ basis: z.literal('single'), onlyIf: optionName })
    .describe('one, when the request takes that yes/no option'),
  z
    .strictObject({
      basis: z.literal('option'),
      option: z.string().min(1).describe('a count option declared in tariff.json'),
    })
    .describe('as many as the request’s count option says (none when 0)'),
  z.strictObject({
    basis: z.literal('usagePerLine'),
    field: z.enum(USAGE_FIELDS),
  }),
  z.strictObject({ basis: z.literal('handsets') }),
]);

export const priceItemSchema = z.strictObject({
  code: z.string().regex(/^[A-Z0-9][A-Z0-9_-]*$/, {
    message: worded('must be upper-case letters, digits, _ or -', 'rules.itemCode'),
  }),
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

/** `greaterThan` and friends compare floats in json-rules-engine; point at the exact ones. */
function unknownOperator(operator: unknown): string {
  const hint =
    typeof operator === 'string' && /than/i.test(operator)
      ? ` (numbers are compared with decimal${operator[0]?.toUpperCase()}${operator.slice(1)})`
      : '';
  const english = `unknown operator ${JSON.stringify(operator)}${hint}; known: ${OPERATORS.join(', ')}`;
  return worded(english, hint ? 'rules.unknownOperatorDecimal' : 'rules.unknownOperator', {
    operator: JSON.stringify(operator),
    known: OPERATORS.join(', '),
    ...(typeof operator === 'string'
      ? { decimal: `decimal${operator[0]?.toUpperCase()}${operator.slice(1)}` }
      : {}),
  });
}

const scalarValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const leafConditionSchema = z.strictObject({
  fact: z
    .string({
      error: worded(
        'a condition needs "fact" (a fact name), "operator" and "value"',
        'rules.conditionNeedsFact',
      ),
    })
    .min(1),
  path: z
    .string({ error: worded('must be a dot path such as "$.creditRating"', 'rules.dotPath') })
    .min(1)
    .optional()
    .describe('a dot path into an object fact, e.g. "$.creditRating"'),
  operator: z.enum(OPERATORS, { error: (issue) => unknownOperator(issue.input) }),
  value: z.union([scalarValue, z.array(scalarValue)], {
    error: (issue) =>
      issue.input === undefined
        ? worded('a condition needs a "value" to compare with', 'rules.conditionNeedsValue')
        : worded(
            'must be text, a number, true, false, null or an array of those',
            'rules.conditionValue',
          ),
  }),
});
export type LeafCondition = z.infer<typeof leafConditionSchema>;

export type ConditionNode =
  { all: ConditionNode[] } | { any: ConditionNode[] } | { not: ConditionNode } | LeafCondition;
export type TopLevelCondition =
  { all: ConditionNode[] } | { any: ConditionNode[] } | { not: ConditionNode };

const groups = (node: z.ZodType<ConditionNode>) =>
  [
    z.strictObject({
      all: z.array(node, {
        error: worded('"all" must be an array of conditions', 'rules.allArray'),
      }),
    }),
    z.strictObject({
      any: z.array(node, {
        error: worded('"any" must be an array of conditions', 'rules.anyArray'),
      }),
    }),
    z.strictObject({ not: node }),
  ] as const;

const conditionNodeSchema: z.ZodType<ConditionNode> = z.lazy(() =>
  z.union([...groups(conditionNodeSchema), leafConditionSchema], {
    error: worded(
      'a condition is {"all": [...]}, {"any": [...]}, {"not": {...}} or {"fact", "operator", "value"}, each alone in its object',
      'rules.conditionShape',
    ),
  }),
);

const topLevelConditionSchema: z.ZodType<TopLevelCondition> = z.union(groups(conditionNodeSchema), {
  error: worded(
    'the top of "conditions" must be {"all": [...]}, {"any": [...]} or {"not": {...}}, alone in its object',
    'rules.conditionsTop',
  ),
});

/** A rule's event: `{ type, params }` of one of the registered components. */
function eventUnion([first, ...rest]: readonly [Component, ...Component[]]) {
  return z.discriminatedUnion('type', [first.event, ...rest.map((component) => component.event)], {
    error: (issue) => {
      if (issue.code !== 'invalid_union')
        return worded('an event needs "type" (a component code) and "params"', 'rules.eventShape');
      const type = eventType(issue.input);
      const known = COMPONENTS.map((component) => component.code).join(', ');
      return type === undefined
        ? worded(
            `an event needs a "type", the code of its component: ${known}`,
            'rules.eventType',
            {
              known,
            },
          )
        : worded(
            `unknown component ${JSON.stringify(type)}; known: ${known}`,
            'rules.unknownComponent',
            {
              type: JSON.stringify(type),
              known,
            },
          );
    },
  });
}
function eventType(event: unknown): unknown {
  return event !== null && typeof event === 'object' ? (event as { type?: unknown }).type : event;
}
const eventSchema = eventUnion(COMPONENTS);
/** An event as a rule file writes it; its params are parsed by its component when the set compiles. */
export interface RuleEvent {
  type: string;
  params: Record<string, unknown>;
}

/** An object's own message when it is not an object at all; its unknown keys keep theirs. */
function onlyIfNotAnObject(message: string) {
  return (issue: { code?: string }) => (issue.code === 'invalid_type' ? message : undefined);
}

const calendarDate = z.iso.date({
  error: worded('must be a date such as 2026-12-31', 'rules.date'),
});

export const RULE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]*$/;

export const ruleSchema = z.strictObject(
  {
    name: z
      .string({
        error: worded(
          'must be a lower-case kebab-case name, e.g. long-distance-key',
          'rules.ruleNameText',
        ),
      })
      .regex(RULE_NAME_PATTERN, {
        message: worded('must be lower-case kebab-case, e.g. long-distance-key', 'rules.ruleName'),
      }),
    description: z.string({ error: worded('must be text', 'rules.text') }).optional(),
    priority: z
      .int({ error: worded('must be a whole number ≥ 1 (higher runs first)', 'rules.priority') })
      .min(1, {
        message: worded('must be a whole number ≥ 1 (higher runs first)', 'rules.priority'),
      })
      .describe('higher runs first; rules of equal priority run together'),
    validFrom: calendarDate
      .optional()
      .describe('the first quote date (China) the rule applies on, e.g. a promotion’s start'),
    validTo: calendarDate.optional().describe('the last quote date (China) the rule applies on'),
    conditions: topLevelConditionSchema,
    event: eventSchema,
  },
  {
    error: onlyIfNotAnObject(
      worded(
        'a rule must be an object with name, priority, conditions and event',
        'rules.ruleObject',
      ),
    ),
  },
);
export type RuleDefinition = Omit<z.infer<typeof ruleSchema>, 'event' | 'conditions'> & {
  conditions: TopLevelCondition;
  event: RuleEvent;
};

export const ruleFileSchema = z.strictObject(
  {
    $schema: z.string().optional(),
    phase: z
      .enum(['offer', 'approval'], {
        error: worded(
          'must be "offer" (rules that price a request) or "approval" (rules that read the margin)',
          'rules.phase',
        ),
      })
      .describe('offer rules price the request; approval rules read the priced margin'),
    description: z.string().optional(),
    rules: z.array(ruleSchema, { error: worded('must be an array of rules', 'rules.rulesArray') }),
  },
  {
    error: onlyIfNotAnObject(
      worded('a rule file must be a JSON object with "phase" and "rules"', 'rules.ruleFile'),
    ),
  },
);
export type RuleFile = z.infer<typeof ruleFileSchema>;

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
