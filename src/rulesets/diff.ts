/**
 * What changed between two rule sets, in words a pricing analyst reads at a glance
 * (`long-distance-key: percent 35 → 40`): tariff settings, price-list items and VAT classes, unit
 * costs, and rules by name (added, removed, each changed field). Pure: two snapshots in, the
 * changes out, in a stable order (tariff, prices, costs, rules; then by subject and field). The
 * words are the locale files' (`errors.diff.*`), in the reader's language: English for the
 * command line, the page's or the caller's Accept-Language elsewhere.
 */
import { z } from 'zod';
import { DEFAULT_MESSAGE_LOCALE, messageFor, type MessageLocale } from '../messages/messages';
import {
  COSTS_FILE,
  PRICES_FILE,
  RULE_FILE_SUFFIX,
  TARIFF_FILE,
  type RuleSetSnapshot,
} from '../rules/compile';

export const DIFF_AREAS = ['tariff', 'prices', 'costs', 'rules'] as const;

export const ruleSetChangeSchema = z.strictObject({
  area: z.enum(DIFF_AREAS),
  change: z.enum(['added', 'removed', 'changed']),
  subject: z
    .string()
    .describe('what changed: a rule by name, `price LD_MIN`, `cost LD_MIN`, `VAT class basic`, …'),
  field: z.string().optional().describe('the changed field, dotted, inside the subject'),
  before: z.string().optional().describe('as written in the file (JSON for a non-string)'),
  after: z.string().optional(),
  text: z
    .string()
    .describe(
      "the change in words, in the reader's language: `long-distance-key: percent 35 → 40`",
    ),
});
export type RuleSetChange = z.infer<typeof ruleSetChangeSchema>;

export const ruleSetDiffSchema = z.strictObject({
  from: z.string(),
  to: z.string(),
  changes: z.array(ruleSetChangeSchema),
});
export type RuleSetDiff = z.infer<typeof ruleSetDiffSchema>;

type Json = unknown;

/** Every change from `from` to `to`. */
export function diffRuleSets(
  from: { hash: string; snapshot: RuleSetSnapshot },
  to: { hash: string; snapshot: RuleSetSnapshot },
  locale: MessageLocale = DEFAULT_MESSAGE_LOCALE,
): RuleSetDiff {
  const before = from.snapshot.files;
  const after = to.snapshot.files;
  const words = new Words(locale);
  const changes: RuleSetChange[] = [
    ...fieldChanges(
      words,
      'tariff',
      'tariff',
      before[TARIFF_FILE],
      after[TARIFF_FILE],
      words.text('tariff'),
    ),
    ...keyedChanges(
      words,
      'prices',
      'price',
      items(before[PRICES_FILE]),
      items(after[PRICES_FILE]),
    ),
    ...keyedChanges(
      words,
      'prices',
      'vatClass',
      record(before[PRICES_FILE], 'vatClasses'),
      record(after[PRICES_FILE], 'vatClasses'),
    ),
    ...keyedChanges(
      words,
      'costs',
      'cost',
      record(before[COSTS_FILE], 'unitCosts'),
      record(after[COSTS_FILE], 'unitCosts'),
    ),
    ...ruleChanges(words, rulesByName(before), rulesByName(after)),
  ];
  return { from: from.hash, to: to.hash, changes };
}

/** One line per change, as `quote rulesets diff` prints them, in the diff's language. */
export function formatDiff(
  diff: RuleSetDiff,
  locale: MessageLocale = DEFAULT_MESSAGE_LOCALE,
): string[] {
  if (diff.changes.length === 0) return [messageFor('diff.noChanges', {}, locale)];
  return diff.changes.map((change) => change.text);
}

/** The kinds of keyed entry a price list and a cost file hold, as `errors.diff.kinds` names them. */
type EntryKind = 'price' | 'vatClass' | 'cost';

/** The diff's words in one language. */
class Words {
  constructor(readonly locale: MessageLocale) {}

  text(key: string, params: Record<string, string> = {}): string {
    return messageFor(`diff.${key}`, params, this.locale);
  }

  /** A keyed entry's kind in words (`price`, `价格`) and its code: the params of its lines. */
  kind(kind: EntryKind, code: string): { kind: string; code: string } {
    return { kind: this.text(`kinds.${kind}`), code };
  }

  /** A value before or after, `(none)` where there was none. */
  value(value: string | undefined): string {
    return value ?? this.text('none');
  }
}

function ruleChanges(
  words: Words,
  before: Map<string, { file: string; rule: Json }>,
  after: Map<string, { file: string; rule: Json }>,
): RuleSetChange[] {
  const changes: RuleSetChange[] = [];
  for (const name of sortedUnion(before.keys(), after.keys())) {
    const old = before.get(name);
    const now = after.get(name);
    if (!old) {
      changes.push({
        area: 'rules',
        change: 'added',
        subject: name,
        text: words.text('ruleAdded', {
          rule: name,
          file: now!.file,
          component: componentOf(words, now!.rule),
        }),
      });
    } else if (!now) {
      changes.push({
        area: 'rules',
        change: 'removed',
        subject: name,
        text: words.text('ruleRemoved', {
          rule: name,
          file: old.file,
          component: componentOf(words, old.rule),
        }),
      });
    } else {
      if (old.file !== now.file) {
        changes.push(changed(words, 'rules', name, name, 'file', old.file, now.file));
      }
      // A component's parameters read best by their own name: `percent 35 → 40`.
      for (const change of fieldChanges(words, 'rules', name, old.rule, now.rule)) {
        const field = change.field?.replace(/^event\.params\./, '');
        changes.push(
          field === change.field
            ? change
            : changed(words, 'rules', name, name, field, change.before, change.after),
        );
      }
    }
  }
  return changes;
}

/** Added, removed and changed entries of two records keyed by code. */
function keyedChanges(
  words: Words,
  area: RuleSetChange['area'],
  kind: EntryKind,
  before: Record<string, Json>,
  after: Record<string, Json>,
): RuleSetChange[] {
  const changes: RuleSetChange[] = [];
  for (const key of sortedUnion(Object.keys(before), Object.keys(after))) {
    // The subject is data (the same in every language); its words are the reader's.
    const subject = `${SUBJECT_NAMES[kind]} ${key}`;
    const entry = words.text('entry', words.kind(kind, key));
    if (!(key in before)) {
      changes.push({
        area,
        change: 'added',
        subject,
        after: shown(after[key]),
        text: words.text('added', { ...words.kind(kind, key), value: leafSuffix(after[key]) }),
      });
    } else if (!(key in after)) {
      changes.push({
        area,
        change: 'removed',
        subject,
        before: shown(before[key]),
        text: words.text('removed', { ...words.kind(kind, key), value: leafSuffix(before[key]) }),
      });
    } else {
      changes.push(...fieldChanges(words, area, subject, before[key], after[key], entry));
    }
  }
  return changes;
}

/** Each leaf that differs between two values of one subject. */
function fieldChanges(
  words: Words,
  area: RuleSetChange['area'],
  subject: string,
  before: Json,
  after: Json,
  named: string = subject,
): RuleSetChange[] {
  const old = leaves(before);
  const now = leaves(after);
  const changes: RuleSetChange[] = [];
  for (const field of sortedUnion(old.keys(), now.keys())) {
    const was = old.get(field);
    const is = now.get(field);
    if (was !== is) changes.push(changed(words, area, subject, named, field, was, is));
  }
  return changes;
}

/** A changed field of `subject`, worded with `named`: the subject as the reader calls it. */
function changed(
  words: Words,
  area: RuleSetChange['area'],
  subject: string,
  named: string,
  field: string | undefined,
  before: string | undefined,
  after: string | undefined,
): RuleSetChange {
  const values = { subject: named, before: words.value(before), after: words.value(after) };
  return {
    area,
    change: 'changed',
    subject,
    ...(field ? { field } : {}),
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
    text: field ? words.text('changed', { ...values, field }) : words.text('changedValue', values),
  };
}

/**
 * A value as dotted paths to its shown leaves. Arrays of things with a `code` or `name` are keyed
 * by it (`tiers.key.names.en`), so reordering is no change and an edit names what it edited;
 * other arrays of objects by position (`conditions.all.1.value`); arrays of plain values are one
 * leaf (`contractTerms [12,24,36]`).
 */
function leaves(value: Json, path = '', out = new Map<string, string>()): Map<string, string> {
  if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) {
      if (key === '$schema') continue;
      leaves(child, path ? `${path}.${key}` : key, out);
    }
  } else if (Array.isArray(value) && value.length > 0 && value.every(identity)) {
    for (const child of value) leaves(child, `${path}.${identity(child)!}`, out);
  } else if (Array.isArray(value) && value.some((child) => typeof child === 'object')) {
    value.forEach((child, index) => leaves(child, `${path}.${index}`, out));
  } else if (value !== undefined) {
    out.set(path, shown(value));
  }
  return out;
}

function identity(value: Json): string | undefined {
  if (!isRecord(value)) return undefined;
  for (const key of ['code', 'name']) {
    if (typeof value[key] === 'string') return value[key];
  }
  return undefined;
}

function rulesByName(files: Record<string, Json>): Map<string, { file: string; rule: Json }> {
  const rules = new Map<string, { file: string; rule: Json }>();
  for (const file of Object.keys(files).sort()) {
    if (!file.endsWith(RULE_FILE_SUFFIX)) continue;
    const list = record(files[file], 'rules');
    for (const rule of Object.values(list)) {
      const name = isRecord(rule) && typeof rule.name === 'string' ? rule.name : undefined;
      if (name !== undefined) rules.set(name, { file, rule: withoutName(rule) });
    }
  }
  return rules;
}

function withoutName(rule: Json): Json {
  const { name: _name, ...rest } = rule as Record<string, Json>;
  return rest;
}

function componentOf(words: Words, rule: Json): string {
  const event = isRecord(rule) ? rule.event : undefined;
  return isRecord(event) && typeof event.type === 'string' ? event.type : words.text('noComponent');
}

/** A keyed subject as the diff's data names it, whatever the reader's language. */
const SUBJECT_NAMES: Record<EntryKind, string> = {
  price: 'price',
  vatClass: 'VAT class',
  cost: 'cost',
};

function items(prices: Json): Record<string, Json> {
  const list = isRecord(prices) && Array.isArray(prices.items) ? prices.items : [];
  return Object.fromEntries(
    list.flatMap((item) => {
      const code = identity(item);
      if (code === undefined) return [];
      const { code: _code, ...rest } = item as Record<string, Json>;
      return [[code, rest]];
    }),
  );
}

function record(file: Json, key: string): Record<string, Json> {
  const value = isRecord(file) ? file[key] : undefined;
  if (Array.isArray(value)) return Object.fromEntries(value.map((entry, index) => [index, entry]));
  return isRecord(value) ? value : {};
}

/** ` 0.05` after an added cost; nothing after an added item, whose fields are many. */
function leafSuffix(value: Json): string {
  return isRecord(value) || Array.isArray(value) ? '' : ` ${shown(value)}`;
}

function shown(value: Json): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function sortedUnion(a: Iterable<string>, b: Iterable<string>): string[] {
  return [...new Set([...a, ...b])].sort();
}

function isRecord(value: Json): value is Record<string, Json> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
