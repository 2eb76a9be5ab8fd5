/**
 * Rule sets shaped for the pricing analyst's pages: each rule file as a table (name, conditions in
 * words, component, params), findings and case results as the rule-set service answers them, and
 * an impact analysis as its summary, movers and migration matrix. Words come from the proposals'
 * own helpers (a rule's component and params, a condition's operator), so a rule reads the same
 * here as under a quote's "why".
 */
import { STANDINGS, standingOf, type ImpactRow, type ImpactSummary } from '../impact/compare';
import type { Locale } from '../proposals/locale';
import { factWords, itemNamesOf, type FactWords } from '../proposals/fact-words';
import { ruleSetLabels } from '../proposals/input';
import { conditionWords, ruleView } from '../proposals/view';
import { PRICES_FILE, RULE_FILE_SUFFIX, TARIFF_FILE } from '../rules/compile';
import { splitPath } from '../rules/facts';
import { pricesFileSchema, tariffFileSchema } from '../rules/files';

export interface RuleRow {
  name: string;
  description: string | null;
  priority: unknown;
  when: string;
  component: string;
  params: { name: string; value: string }[];
  validity?: string;
}

export interface RuleFileView {
  file: string;
  description?: string;
  phase?: string;
  rules: RuleRow[];
}

interface RawRule {
  name?: unknown;
  description?: unknown;
  priority?: unknown;
  validFrom?: unknown;
  validTo?: unknown;
  conditions?: unknown;
  event?: { type?: unknown; params?: unknown };
}

/** Every rule file of a set, in file order, each rule as a row a pricing analyst reads. */
export function ruleFileViews(files: Record<string, unknown>, locale: Locale): RuleFileView[] {
  const words = filesFactWords(files, locale);
  return Object.keys(files)
    .filter((file) => file.endsWith(RULE_FILE_SUFFIX))
    .sort()
    .map((file) => {
      const content = files[file] as { description?: unknown; phase?: unknown; rules?: unknown };
      const rules = Array.isArray(content.rules) ? (content.rules as RawRule[]) : [];
      return {
        file,
        ...(typeof content.description === 'string' ? { description: content.description } : {}),
        ...(typeof content.phase === 'string' ? { phase: content.phase } : {}),
        rules: rules.map((rule) => ruleRow(rule, locale, words)),
      };
    });
}

/**
 * The words for the facts of a set's files, as its tariff and price list name them. A stored set
 * always compiles; should a file not parse, its facts keep their paths rather than fail the page.
 */
function filesFactWords(files: Record<string, unknown>, locale: Locale): FactWords {
  const tariff = tariffFileSchema.safeParse(files[TARIFF_FILE]);
  const prices = pricesFileSchema.safeParse(files[PRICES_FILE]);
  const { declarations, tierNames } = tariff.success ? ruleSetLabels(tariff.data) : {};
  return factWords(
    {
      ...(declarations ? { declarations } : {}),
      ...(tierNames ? { tierNames } : {}),
      ...(prices.success ? { itemNames: itemNamesOf(prices.data.items) } : {}),
    },
    locale,
  );
}

function ruleRow(rule: RawRule, locale: Locale, words: FactWords): RuleRow {
  const view = ruleView(
    {
      rule: String(rule.name ?? ''),
      ...(typeof rule.description === 'string' ? { description: rule.description } : {}),
      component: String(rule.event?.type ?? ''),
      params: (rule.event?.params ?? {}) as Record<string, unknown>,
      conditions: [],
    },
    locale,
    words,
  );
  const from = typeof rule.validFrom === 'string' ? rule.validFrom : '';
  const to = typeof rule.validTo === 'string' ? rule.validTo : '';
  return {
    name: view.rule,
    description: view.description,
    priority: rule.priority,
    when: conditionsInWords(rule.conditions, locale, words) || locale.text('explanations.always'),
    component: view.component,
    params: view.params,
    ...(from || to ? { validity: `${from || '…'} – ${to || '…'}` } : {}),
  };
}

/**
 * A rule's condition tree in words: `客户分级 = 重要客户 且 (成员号码数 ≥ 100 或 所属行业 属于 …)`; each
 * condition worded as a quote's explanation words it.
 */
export function conditionsInWords(
  node: unknown,
  locale: Locale,
  words: FactWords,
  nested = false,
): string {
  if (node === null || typeof node !== 'object') return '';
  const condition = node as Record<string, unknown>;
  for (const [group, joiner] of [
    ['all', 'web.rules.and'],
    ['any', 'web.rules.or'],
  ] as const) {
    const children = condition[group];
    if (!Array.isArray(children)) continue;
    const parts = children
      .map((child) => conditionsInWords(child, locale, words, true))
      .filter((part) => part !== '');
    const text = parts.join(` ${locale.text(joiner)} `);
    return nested && parts.length > 1 ? `(${text})` : text;
  }
  if (condition.not !== undefined) {
    return `${locale.text('web.rules.not')} ${conditionsInWords(condition.not, locale, words, true)}`;
  }
  if (typeof condition.fact !== 'string') return '';
  const fact =
    typeof condition.path === 'string'
      ? [condition.fact, ...splitPath(condition.path)].join('.')
      : condition.fact;
  const worded = conditionWords(
    { fact, operator: String(condition.operator), value: condition.value },
    locale,
    words,
  );
  return `${worded.fact} ${worded.operator} ${worded.value}`;
}

/** A standing of the impact analysis (an approval level, refused, not priceable) in words. */
export function standingWords(standing: string, locale: Locale): string {
  return (
    locale.optionalText(`approval.levels.${standing}`) ??
    locale.optionalText(`web.impact.standings.${standing}`) ??
    standing
  );
}

/** The approval migration as a matrix: a row per standing before, a column per standing after. */
export function migrationMatrix(summary: ImpactSummary, locale: Locale) {
  const present = STANDINGS.filter(
    (standing) =>
      summary.approvalMigration[standing] !== undefined ||
      Object.values(summary.approvalMigration).some((row) => row[standing] !== undefined),
  );
  return {
    columns: present.map((standing) => standingWords(standing, locale)),
    rows: present.map((from) => ({
      label: standingWords(from, locale),
      cells: present.map((to) => ({
        count: summary.approvalMigration[from]?.[to] ?? 0,
        moved: from !== to,
      })),
    })),
  };
}

/** The biggest movers with their standing before and after, in words. */
export function moverRows(summary: ImpactSummary, rows: readonly ImpactRow[], locale: Locale) {
  const byEnterprise = new Map(rows.map((row) => [row.enterpriseId, row]));
  return summary.biggestMovers.map((mover) => {
    const row = byEnterprise.get(mover.enterpriseId);
    return {
      ...mover,
      before: row ? standingWords(standingOf(row.before), locale) : '',
      after: row ? standingWords(standingOf(row.after), locale) : '',
    };
  });
}
