/**
 * How a quote explains itself: each rule that fired, with its component, its params and what its
 * conditions saw. The engine produces these; the quote carries them as they are.
 */
import { z } from 'zod';
import { isComponentCode, listComponentCodes } from './components';

/** One condition as the engine evaluated it: what it asked and the fact value it saw. */
export const conditionSeenSchema = z.strictObject({
  fact: z.string(),
  operator: z.string(),
  value: z.unknown(),
  saw: z.unknown(),
  passed: z.boolean(),
});
export type ConditionSeen = z.infer<typeof conditionSeenSchema>;

/**
 * The `component` (and `rule`) of an explanation entry for a discount negotiated beyond the
 * tariff: it comes from the request's adjustments, not from a rule file.
 */
export const NEGOTIATED = 'negotiated';

function explainsAFigure(code: string): boolean {
  return code === NEGOTIATED || isComponentCode(code);
}

/** Why a figure is what it is: the rule, its component and params, and what its conditions saw. */
export const appliedRuleSchema = z
  .strictObject({
    rule: z.string(),
    description: z.string().optional(),
    // Text, checked against the registry: the registry's own types refer to AppliedRule.
    component: z
      .string()
      .refine(explainsAFigure, { message: 'is not a component' })
      .meta({ enum: [...listComponentCodes(), NEGOTIATED] }),
    params: z.record(z.string(), z.unknown()),
    conditions: z.array(conditionSeenSchema),
  })
  .describe('A rule that fired: its component, params and what its conditions saw');
export type AppliedRule = z.infer<typeof appliedRuleSchema>;
