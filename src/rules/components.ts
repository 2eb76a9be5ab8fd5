/**
 * Tariff components: the named, typed operations a rule's event may invoke. A rule file names a
 * component by its `type` code and gives its params; the params are validated by the component's
 * schema when the rule set loads. Nothing from a file is ever evaluated as code.
 */
import { z } from 'zod';
import type { Phase } from './facts';
import { APPROVAL_LEVELS, nonNegativeDecimalString } from '../domain';

const nonNegativeDecimal = nonNegativeDecimalString;
const percentPoints = nonNegativeDecimal.describe('percent points: "35" means 35 %');
const itemCode = z.string().min(1).describe('a code from prices.json');

/** Which items a discount applies to: one item by code, or every item of a price-list category. */
const itemTarget = z.union([
  z.strictObject({ item: itemCode, percent: percentPoints }),
  z.strictObject({
    category: z.string().min(1).describe('a category from prices.json'),
    percent: percentPoints,
  }),
]);

export const componentParams = {
  refuse: z.strictObject({
    reason: z.string().min(1).describe('shown to the account manager verbatim'),
  }),
  'assign-tier': z.strictObject({ tier: z.string().min(1).describe('a tier from tariff.json') }),
  'percent-off': itemTarget,
  'free-usage-pool': z.union([
    z.strictObject({ item: itemCode, freePerLine: nonNegativeDecimal }),
    z.strictObject({ item: itemCode, unlimited: z.literal(true) }),
  ]),
  'overdraft-terms': z.strictObject({
    roundDownTo: nonNegativeDecimal.describe('the limit is floored to a multiple of this'),
    cap: nonNegativeDecimal,
    lossGivenDefaultPercent: percentPoints,
  }),
  'overdraft-multiple': z.strictObject({
    multiple: nonNegativeDecimal.describe('times the monthly recurring net'),
    defaultProbabilityPercent: percentPoints,
  }),
  'points-terms': z.strictObject({
    pointValue: nonNegativeDecimal.describe('CNY per point'),
    redemptionPercent: percentPoints,
  }),
  'points-multiplier': z.strictObject({
    multiplier: nonNegativeDecimal.describe('points per CNY of monthly net'),
  }),
  'approval-level': z.strictObject({ level: z.enum(APPROVAL_LEVELS) }),
} as const;

export type ComponentCode = keyof typeof componentParams;
export type ComponentParams<C extends ComponentCode> = z.infer<(typeof componentParams)[C]>;
export const COMPONENT_CODES = Object.keys(componentParams) as ComponentCode[];

interface ComponentTraits {
  readonly phase: Phase;
  readonly summary: string;
  /**
   * At most one rule may fire per key: two tier assignments or two overdraft multiples for one
   * quote are a contradiction in the rule set, reported instead of resolved by accident of order.
   */
  readonly exclusiveKey?: (params: never) => string;
  /** Facts this component sets for rules of lower priority (the tier, §3). */
  readonly derives?: (params: never) => Record<string, unknown>;
}

export const COMPONENTS: Readonly<Record<ComponentCode, ComponentTraits>> = {
  refuse: { phase: 'offer', summary: 'refuse the quote with a reason (§2)' },
  'assign-tier': {
    phase: 'offer',
    summary: 'set the customer tier used by later rules (§3)',
    exclusiveKey: () => 'tier',
    derives: (params: ComponentParams<'assign-tier'>) => ({ tier: params.tier }),
  },
  'percent-off': {
    phase: 'offer',
    summary: 'take percent points off an item or category; several rules on one item add up',
  },
  'free-usage-pool': {
    phase: 'offer',
    summary: 'a free pool of usage (lines × freePerLine, or unlimited) on a usage item (§6 C2)',
    exclusiveKey: (params: ComponentParams<'free-usage-pool'>) => `free-usage-pool:${params.item}`,
  },
  'overdraft-terms': {
    phase: 'offer',
    summary: 'rounding, cap and loss-given-default of the overdraft grace limit (§6 C5)',
    exclusiveKey: () => 'overdraft-terms',
  },
  'overdraft-multiple': {
    phase: 'offer',
    summary:
      'overdraft limit as a multiple of monthly net, with its probability of default (§6 C5)',
    exclusiveKey: () => 'overdraft-multiple',
  },
  'points-terms': {
    phase: 'offer',
    summary: 'value of a loyalty point and expected redemption (§6 C6)',
    exclusiveKey: () => 'points-terms',
  },
  'points-multiplier': {
    phase: 'offer',
    summary: 'loyalty points per CNY of monthly net (§6 C6)',
    exclusiveKey: () => 'points-multiplier',
  },
  'approval-level': {
    phase: 'approval',
    summary: 'the approval a proposal needs before it may be issued (§8)',
    exclusiveKey: () => 'approval-level',
  },
};
