/**
 * The words of a report: column headings, and the key of each row in words (a tier's, a state's,
 * an item's name) in the report's language, from templates/locales like every proposal's words.
 */
import { TEMPLATES_DIR } from '../proposals/html';
import type { ProposalLanguage } from '../proposals/input';
import { loadLocale, type Locale } from '../proposals/locale';
import type { LocalizedText } from '../domain';
import type { ComponentKind, MarginGrouping } from './margin';

const locales = new Map<string, Locale>();

/** The locale of a language, read once per templates directory. */
export function reportLocale(lang: ProposalLanguage, templatesDir: string = TEMPLATES_DIR): Locale {
  const id = `${templatesDir}\u0000${lang}`;
  let locale = locales.get(id);
  if (!locale) {
    locale = loadLocale(templatesDir, lang);
    locales.set(id, locale);
  }
  return locale;
}

/** Who is who: account managers' names by id. A user is never deleted; a missing one keeps its id. */
export type UserNames = ReadonlyMap<string, string>;

/**
 * The key of a group in words. Enterprises are named by their name on their latest quote and
 * account managers by their user name; codes (tier, industry, level, state) by the locale, or as
 * they are where it has no words for them (a rule set may add tiers or industries).
 */
export function groupLabel(
  locale: Locale,
  groupBy: Exclude<MarginGrouping, 'quote' | 'component'>,
  key: string,
  context: { users: UserNames; enterpriseName?: string },
): string {
  switch (groupBy) {
    case 'enterprise':
      return context.enterpriseName ?? key;
    case 'accountManager':
      return context.users.get(key) ?? key;
    case 'tier':
      return locale.optionalText(`tiers.${key}`) ?? key;
    case 'industry':
      return locale.optionalText(`industries.${key}`) ?? key;
    case 'approvalLevel':
      return locale.optionalText(`approval.levels.${key}`) ?? key;
    case 'state':
      return stateLabel(locale, key);
    case 'month':
      return key;
  }
}

export function stateLabel(locale: Locale, state: string): string {
  return locale.optionalText(`report.states.${state}`) ?? state;
}

/** A component in words: an item by the name its quote gives it, a credit by its component's name. */
export function componentLabel(
  locale: Locale,
  component: { key: string; kind: ComponentKind; names?: LocalizedText },
): string {
  if (component.names) return component.names[locale.lang] ?? component.key;
  if (component.kind === 'credit') {
    return locale.optionalText(`components.${component.key}`) ?? component.key;
  }
  return locale.optionalText(`report.costLines.${component.key}`) ?? component.key;
}
