/**
 * What a tariff component is: a named, typed operation a rule's event invokes. One file per
 * component (beside this one) holds all of it — its params, what it decides, its cross-file checks
 * and its effect — and `index.ts` lists them. The pricing core looks a rule's component up by its
 * code and applies it; it never tests for a particular code. (Vendure's promotion actions.)
 *
 * A quote is priced in stages, each with its own context (src/pricing implements them):
 *   decide  — refusals, the tier, terms that later stages read (offer phase);
 *   item    — discounts on one line item: free units, percent points;
 *   bill    — credits on the monthly bill as a whole, split across VAT classes;
 *   benefit — the overdraft grace limit and loyalty points, from the monthly net;
 *   approve — the approval level, from the priced margin (approval phase).
 */
import { z } from 'zod';
import type { ApprovalLevel } from '../../domain';
import { AppError } from '../../errors';
import type { Decimal } from '../../money/money';
import type { AppliedRule } from '../explanation';
import type { Phase } from '../facts';

export const STAGES = ['decide', 'item', 'bill', 'benefit', 'approve'] as const;
export type Stage = (typeof STAGES)[number];

/** Approval rules read the priced margin, so they run in a phase of their own. */
export function phaseOf(stage: Stage): Phase {
  return stage === 'approve' ? 'approval' : 'offer';
}

/** One evaluation of a rule set for one request: what its components remember is kept per evaluation. */
export class Evaluation {}

/**
 * A typed place for one component to leave a value for another in a later stage (the overdraft
 * terms the overdraft multiple reads). Kept per evaluation, so concurrent quotes never share one.
 */
export class Slot<T> {
  readonly #values = new WeakMap<Evaluation, T>();

  constructor(readonly filledBy: string) {}

  set(evaluation: Evaluation, value: T): void {
    this.#values.set(evaluation, value);
  }

  get(evaluation: Evaluation): T | undefined {
    return this.#values.get(evaluation);
  }

  /** The value, which `reader` (`rule x sets an overdraft multiple`) cannot do without. */
  require(evaluation: Evaluation, reader: string): T {
    const value = this.#values.get(evaluation);
    if (value === undefined)
      throw new AppError('rule-set', `${reader} but no ${this.filledBy} rule applies`);
    return value;
  }
}

interface StageContext {
  readonly evaluation: Evaluation;
}

export interface DecideContext extends StageContext {
  /** §2: the quote is refused with this reason (every refusal is listed). */
  refuse(reason: string, because: AppliedRule): void;
  /** §3: the customer tier. */
  assignTier(tier: string, because: AppliedRule): void;
}

/** One requested line item, open to discounts. */
export interface ItemUnderDiscount {
  readonly code: string;
  readonly category: string;
  readonly quantity: Decimal;
  /** §6 C2: these units are free, up to the quantity used; percentages apply to what remains. */
  giveFree(units: Decimal, because: AppliedRule): void;
  /** Percent points off; several on one item add up and are rounded once (§7). */
  takePercentOff(points: Decimal, because: AppliedRule): void;
}

export interface ItemContext extends StageContext {
  readonly lines: Decimal;
  readonly items: readonly ItemUnderDiscount[];
}

export interface BillContext extends StageContext {
  /** The monthly recurring net (tax-inclusive) after item discounts and earlier credits. */
  readonly monthlyNet: Decimal;
  /** The same, per VAT rate as the price list writes it ("0.09"), in price-list order. */
  readonly monthlyNetByVatRate: ReadonlyMap<string, Decimal>;
  /**
   * A tax-inclusive credit off the monthly bill, given per VAT rate: a credit changes the tax
   * the bill carries, so it must say which classes it comes off. Each part is at most that
   * class's remaining net.
   */
  credit(parts: ReadonlyMap<string, Decimal>, because: AppliedRule): void;
}

export const BENEFITS = ['overdraftLimit', 'monthlyPoints'] as const;
export type Benefit = (typeof BENEFITS)[number];

export interface BenefitContext extends StageContext {
  /** The monthly recurring net (tax-inclusive) the customer pays. */
  readonly monthlyNet: Decimal;
  /** The benefit's value and what it costs the operator each month, explained by `because`. */
  grant(
    benefit: Benefit,
    value: { amount: Decimal; monthlyCost: Decimal },
    because: readonly AppliedRule[],
  ): void;
}

export interface ApproveContext extends StageContext {
  requireApproval(level: ApprovalLevel, because: AppliedRule): void;
}

export interface StageContexts {
  decide: DecideContext;
  item: ItemContext;
  bill: BillContext;
  benefit: BenefitContext;
  approve: ApproveContext;
}

/** The effects waiting for each stage of one evaluation, in firing order. */
export type StageQueues = { [S in Stage]: ((context: StageContexts[S]) => void)[] };

export function emptyQueues(): StageQueues {
  return { decide: [], item: [], bill: [], benefit: [], approve: [] };
}

/** What the rule set offers, for a component's cross-file checks (unknown items, tiers, …). */
export interface TariffCatalogue {
  readonly tiers: readonly string[];
  readonly itemCodes: ReadonlySet<string>;
  readonly categories: ReadonlySet<string>;
  readonly usageItemCodes: ReadonlySet<string>;
}

/** A problem with a rule's params, `path` inside `params` (`item`), found against the catalogue. */
export interface ParamsProblem {
  path: string;
  code: 'unknown-item' | 'unknown-tier';
  message: string;
}

/** A rule's event with its params parsed: ready to enqueue its effect for every firing. */
export interface PreparedEvent {
  /** Two firing rules with the same `decides` are a contradiction in the rule set. */
  readonly decides: string | undefined;
  /** Facts this rule sets for rules of lower priority (the tier, §3). */
  readonly derives: Readonly<Record<string, unknown>> | undefined;
  check(catalogue: TariffCatalogue): ParamsProblem[];
  enqueue(queues: StageQueues, because: AppliedRule): void;
}

export type Prepared =
  { success: true; event: PreparedEvent } | { success: false; error: z.ZodError };

export interface Component<C extends string = string> {
  readonly code: C;
  readonly stage: Stage;
  readonly phase: Phase;
  /** One line for the README and the rule files' JSON Schema. */
  readonly summary: string;
  readonly params: ParamsSchema;
  /** `{ type, params }` of a rule file's event naming this component. */
  readonly event: z.ZodObject<{ type: z.ZodLiteral<C>; params: ParamsSchema }, z.core.$strict>;
  prepare(params: unknown): Prepared;
}

/** A component's params are a JSON object (or a choice of objects). */
export type ParamsSchema = z.ZodType<Record<string, unknown>>;

export interface ComponentDefinition<C extends string, S extends Stage, P extends ParamsSchema> {
  code: C;
  stage: S;
  summary: string;
  params: P;
  /**
   * At most one rule may fire per key: two tier assignments or two overdraft multiples for one
   * quote are a contradiction, reported instead of resolved by accident of order.
   */
  decides?: (params: z.output<P>) => string;
  derives?: (params: z.output<P>) => Record<string, unknown>;
  check?: (params: z.output<P>, catalogue: TariffCatalogue) => ParamsProblem[];
  apply: (context: StageContexts[S], params: z.output<P>, because: AppliedRule) => void;
}

export function defineComponent<C extends string, S extends Stage, P extends ParamsSchema>(
  definition: ComponentDefinition<C, S, P>,
): Component<C> {
  const { code, stage, params, apply } = definition;
  return {
    code,
    stage,
    phase: phaseOf(stage),
    summary: definition.summary,
    params,
    event: z.strictObject({ type: z.literal(code), params }),
    prepare(raw) {
      const parsed = params.safeParse(raw);
      if (!parsed.success) return { success: false, error: parsed.error };
      const values = parsed.data;
      return {
        success: true,
        event: {
          decides: definition.decides?.(values),
          derives: definition.derives?.(values),
          check: (catalogue) => definition.check?.(values, catalogue) ?? [],
          enqueue(queues, because) {
            queues[stage].push((context) => apply(context, values, because));
          },
        },
      };
    },
  };
}
