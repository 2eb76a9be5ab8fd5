/**
 * The words for the facts a rule reads and the values it compares them with: `采购方式 = 集中采购`
 * rather than `enterprise.purchasing = centralized`. A declared fact, option or tier is named as
 * the rule set declares it (tariff.json), so a pricing analyst who adds one names it once, there;
 * the facts the code fixes (lines, term, margin…) are named by the locale files. Proposals, quote
 * pages and rule-set pages all word a rule through this one place.
 */
import type { LocalizedText } from '../domain';
import type { Declarations } from '../rules/declarations';
import type { TierNames } from './input';
import type { Locale } from './locale';

/** What a rule set declares that names its facts and values; any part may be missing. */
export interface FactLabels {
  declarations?: Pick<Declarations, 'customerFacts' | 'options'>;
  tierNames?: TierNames;
  /** Price-list item names by code: a handset model's, for `handsets.<model>`. */
  itemNames?: Readonly<Record<string, LocalizedText>>;
}

export interface FactWords {
  /** A fact path in words: `采购方式` for `enterprise.purchasing`; the path itself if unnamed. */
  label(fact: string): string;
  /**
   * A value the fact took or a rule compares it with (`统一采购` for centralized), lists joined;
   * also a component's param by its name (`item` LD_MIN is 国内长途, `level` auto is 自动通过).
   */
  value(fact: string, value: unknown): string;
}

/**
 * Where the locale files name an enum's values when no declaration does (older stored quotes), and
 * the values of components' params the code fixes (an approval level, a price-list category).
 */
const LOCALE_VALUE_GROUPS: Readonly<Record<string, string>> = {
  'enterprise.industry': 'industries',
  'enterprise.purchasing': 'purchasing',
  tier: 'tiers',
  level: 'approval.levels',
  category: 'web.categories',
};

/** Item names by code, for FactLabels.itemNames. */
export function itemNamesOf(
  items: readonly { code: string; names: LocalizedText }[],
): Record<string, LocalizedText> {
  return Object.fromEntries(items.map((item) => [item.code, item.names]));
}

/** The words for facts and values of one rule set in one locale. */
export function factWords(labels: FactLabels, locale: Locale): FactWords {
  const lang = locale.lang;
  const customerFacts = labels.declarations?.customerFacts ?? [];
  const options = labels.declarations?.options ?? [];

  const declaredLabel = (fact: string): string | undefined => {
    const [head, field, ...rest] = fact.split('.');
    if (head === 'enterprise' && field !== undefined && rest.length === 0) {
      return (
        customerFacts.find((declared) => declared.name === field)?.names[lang] ??
        locale.optionalText(`customer.${field}`)
      );
    }
    if (head === 'usagePerLine' && field !== undefined && rest.length === 0) {
      return locale.optionalText(`facts.usage.${field}`);
    }
    if (head === 'handsets' && field !== undefined) {
      const model = [field, ...rest].join('.');
      return locale.text('facts.handsetsOf', {
        model: labels.itemNames?.[model]?.[lang] ?? model,
      });
    }
    if (field === undefined) {
      return (
        options.find((option) => option.name === head)?.names[lang] ??
        locale.optionalText(`facts.${head}`)
      );
    }
    return undefined;
  };

  const valueName = (fact: string, code: string): string | undefined => {
    if (fact === 'tier') return labels.tierNames?.[code]?.[lang];
    if (fact === 'item') return labels.itemNames?.[code]?.[lang];
    const [head, field] = fact.split('.');
    if (head !== 'enterprise') return undefined;
    const declared = customerFacts.find((entry) => entry.name === field);
    if (declared?.type !== 'enum') return undefined;
    return declared.values.find((value) => value.code === code)?.names[lang];
  };

  const value = (fact: string, given: unknown): string => {
    if (given === null || given === undefined) return locale.text('explanations.nothing');
    if (typeof given === 'boolean') return locale.text(given ? 'common.yes' : 'common.no');
    if (Array.isArray(given)) {
      return given.map((entry) => value(fact, entry)).join(locale.text('facts.listSeparator'));
    }
    if (typeof given === 'object') return JSON.stringify(given);
    const code = String(given);
    const group = LOCALE_VALUE_GROUPS[fact];
    return (
      valueName(fact, code) ?? (group ? locale.optionalText(`${group}.${code}`) : undefined) ?? code
    );
  };

  return { label: (fact) => declaredLabel(fact) ?? fact, value };
}
