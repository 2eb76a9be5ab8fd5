/**
 * The words of a proposal. Every label, sentence and name of a code that a proposal prints comes
 * from templates/locales/<lang>.json, so a translator edits JSON and never a template.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DateWords } from './format';
import { interpolate } from './format';
import type { ProposalLanguage } from './input';

export interface Locale {
  lang: ProposalLanguage;
  /** The text at a dotted key (`items.net`), its `{placeholders}` filled; throws when the key is missing. */
  text(key: string, values?: Readonly<Record<string, string>>): string;
  /** The text at a dotted key if there is one: for names of codes that a rule set may add. */
  optionalText(key: string): string | undefined;
  dateWords: DateWords;
}

type Words = { [key: string]: string | string[] | Words };

export function loadLocale(templatesDir: string, lang: ProposalLanguage): Locale {
  const words = JSON.parse(
    readFileSync(join(templatesDir, 'locales', `${lang}.json`), 'utf8'),
  ) as Words;
  const lookup = (key: string): unknown =>
    key.split('.').reduce<unknown>((node, part) => {
      if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
      return Object.prototype.hasOwnProperty.call(node, part) ? (node as Words)[part] : undefined;
    }, words);
  const optionalText = (key: string): string | undefined => {
    const value = lookup(key);
    return typeof value === 'string' ? value : undefined;
  };
  const dates = lookup('dates') as { pattern?: unknown; monthNames?: unknown } | undefined;
  if (
    typeof dates?.pattern !== 'string' ||
    !Array.isArray(dates.monthNames) ||
    dates.monthNames.length !== 12
  ) {
    throw new Error(`templates/locales/${lang}.json: dates needs a pattern and 12 monthNames`);
  }
  return {
    lang,
    text(key, values = {}) {
      const value = optionalText(key);
      if (value === undefined)
        throw new Error(`templates/locales/${lang}.json has no text at "${key}"`);
      return interpolate(value, values);
    },
    optionalText,
    dateWords: { pattern: dates.pattern, monthNames: dates.monthNames as string[] },
  };
}

/** Every dotted key of a locale file whose value is text, for checking that the languages match. */
export function localeKeys(templatesDir: string, lang: ProposalLanguage): string[] {
  const words = JSON.parse(
    readFileSync(join(templatesDir, 'locales', `${lang}.json`), 'utf8'),
  ) as Words;
  const keys: string[] = [];
  const walk = (node: Words, prefix: string) => {
    for (const [name, value] of Object.entries(node)) {
      const key = prefix ? `${prefix}.${name}` : name;
      if (typeof value === 'string' || Array.isArray(value)) keys.push(key);
      else walk(value, key);
    }
  };
  walk(words, '');
  return keys.sort();
}
