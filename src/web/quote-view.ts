/**
 * What the quote pages show of a priced quote, built from the quote exactly as the service hands it
 * to the role (an account manager's carries no internal figures, so none can be shown): tier, line
 * items with why each discount applied, totals, benefits, the approval it needs and, where the
 * role sees them, costs and margin. Amounts stay decimal strings; the templates' helpers format
 * them as the proposals do.
 */
import type { ApprovalLevel, Role } from '../domain';
import type { PricedQuote } from '../pricing/quote';
import type { Headroom } from '../pricing/headroom';
import type { Locale } from '../proposals/locale';
import { factWords, itemNamesOf } from '../proposals/fact-words';
import { ruleSetLabels } from '../proposals/input';
import { ruleView, type RuleView } from '../proposals/view';
import type { AppliedRule } from '../rules/explanation';
import type { ApprovalView, CustomerQuote, QuoteView } from '../quotes/view';
import type { RuleSet } from '../rules/compile';
import type { AuditEntry, User } from '../store/types';

export interface ItemView {
  code: string;
  name: string;
  unit: string;
  kind: string;
  unitPrice: string;
  quantity: string;
  list: string;
  discount: string;
  net: string;
  rules: RuleView[];
}

export interface QuoteFiguresView {
  tier: string;
  tierName: string;
  tierRules: RuleView[];
  termMonths: number;
  lines: number;
  items: ItemView[];
  totals: PricedQuote['totals'];
  benefits: PricedQuote['benefits'];
  credits: { name: string; amount: string; rules: RuleView[] }[];
  approval: {
    level: ApprovalLevel;
    levelName: string;
    approvers: string;
    required: boolean;
    /** Who approved or rejected a stored quote, and when: beside the role that may. */
    decided?: QuoteDecided;
  };
  /** Costs and margin: for the roles that see internal figures only. */
  internal?: PricedQuote['internal'] & { approvalRuleViews: RuleView[] };
  headroom?: {
    item: string;
    name: string;
    keepsLevelUpTo: string;
    reaches: { level: string; fromPercent: string }[];
  }[];
}

export interface QuoteDecided {
  action: 'approve' | 'reject';
  name: string;
  /** An ISO instant. */
  at: string;
}

/**
 * The stored decision on a quote (decidedBy, decidedAt), the decider by name: undefined until
 * someone approves or rejects it. Only a rejection leaves a quote rejected; every later state of a
 * decided quote (issued, accepted, expired…) was approved.
 */
export function quoteDecided(
  quote: Pick<QuoteView, 'state' | 'decidedBy' | 'decidedAt'>,
  users: readonly Pick<User, 'id' | 'name'>[],
): QuoteDecided | undefined {
  if (!quote.decidedBy || !quote.decidedAt) return undefined;
  return {
    action: quote.state === 'rejected' ? 'reject' : 'approve',
    name: users.find((user) => user.id === quote.decidedBy)?.name ?? quote.decidedBy,
    at: quote.decidedAt,
  };
}

function isPriced(quote: PricedQuote | CustomerQuote): quote is PricedQuote {
  return 'internal' in quote;
}

export function approvalWords(
  approval: ApprovalView,
  locale: Locale,
): QuoteFiguresView['approval'] {
  return {
    level: approval.level,
    levelName: locale.optionalText(`approval.levels.${approval.level}`) ?? approval.level,
    approvers: locale.optionalText(`approval.approversByLevel.${approval.level}`) ?? approval.level,
    required: approval.required,
  };
}

/** The words for a rule set's facts: its declarations, tier names and price-list item names. */
export function ruleSetFactWords(ruleSet: Pick<RuleSet, 'tariff' | 'items'>, locale: Locale) {
  const { declarations, tierNames } = ruleSetLabels(ruleSet.tariff);
  return factWords({ declarations, tierNames, itemNames: itemNamesOf(ruleSet.items) }, locale);
}

export function quoteFigures(
  quote: PricedQuote | CustomerQuote,
  approval: ApprovalView,
  locale: Locale,
  ruleSet: RuleSet,
  headroom?: Headroom,
): QuoteFiguresView {
  const lang = locale.lang;
  const words = ruleSetFactWords(ruleSet, locale);
  const ruleViews = (rules: readonly AppliedRule[]) =>
    rules.map((rule) => ruleView(rule, locale, words));
  const tierName = words.value('tier', quote.tier);
  const names = new Map(quote.items.map((item) => [item.code, item.names[lang]]));
  const view: QuoteFiguresView = {
    tier: quote.tier,
    tierName,
    tierRules: ruleViews(quote.explanations.tier),
    termMonths: quote.termMonths,
    lines: quote.lines,
    items: quote.items.map((item) => ({
      code: item.code,
      name: item.names[lang],
      unit: item.unitNames[lang],
      kind: item.kind,
      unitPrice: item.unitPrice,
      quantity: item.quantity,
      list: item.list,
      discount: item.discount,
      net: item.net,
      rules: ruleViews(quote.explanations.items[item.code] ?? []),
    })),
    totals: quote.totals,
    benefits: quote.benefits,
    credits: (quote.credits ?? []).map((credit) => ({
      name: locale.optionalText(`components.${credit.component}`) ?? credit.component,
      amount: credit.amount,
      rules: ruleViews(
        (quote.explanations.credits ?? []).filter((rule) => rule.rule === credit.rule),
      ),
    })),
    approval: approvalWords(approval, locale),
  };
  if (isPriced(quote)) {
    view.internal = {
      ...quote.internal,
      approvalRuleViews: ruleViews(quote.internal.approvalRules),
    };
  }
  if (headroom) {
    view.headroom = headroom.items.map((entry) => ({
      item: entry.item,
      name: names.get(entry.item) ?? entry.item,
      keepsLevelUpTo: entry.keepsLevelUpTo,
      reaches: entry.reaches.map((reach) => ({
        level: locale.optionalText(`approval.levels.${reach.level}`) ?? reach.level,
        fromPercent: reach.fromPercent,
      })),
    }));
  }
  return view;
}

/** The role's words for display: `客户经理`. */
export function roleName(locale: Locale, role: Role): string {
  return locale.text(`web.roles.${role}`);
}

/** Audit entries with the name of whoever acted (`system` and unknown ids as they are). */
export function auditRows(
  entries: readonly AuditEntry[],
  users: readonly User[],
): (AuditEntry & { actorName: string; ruleSetShort?: string })[] {
  const names = new Map(users.map((user) => [user.id, user.name]));
  return entries.map((entry) => ({
    ...entry,
    actorName: entry.actorId ? (names.get(entry.actorId) ?? entry.actorId) : '—',
    ...(entry.ruleSetHash ? { ruleSetShort: entry.ruleSetHash.slice(0, 12) } : {}),
  }));
}
