/**
 * What the verifier reports: a finding, located in a file by a dotted path (and, once the file's
 * text is known, by line and column), naming the rules involved and, where one exists, the facts
 * of a request that shows it (the witness).
 */
import type { MessageText } from '../../errors';
import type { CompiledRule, RuleSet } from '../compile';
import type { Witness } from './space';

export type FindingCode =
  | 'decide-overlap'
  | 'priority-order'
  | 'percent-over-100'
  | 'never-fires'
  | 'unused-tier'
  | 'unused-fact'
  | 'unused-product'
  | 'percent-looks-like-fraction'
  | 'percent-out-of-range'
  | 'vat-rate-out-of-range'
  | 'money-precision';

export type Severity = 'error' | 'warning';

/** A finding as a check reports it: where by path; index.ts adds the line and column. */
export interface LocatedFinding {
  file: string;
  /** Dotted path inside the file: `rules.3.conditions`, `vatClasses.goods.rate`. */
  path: string;
  severity: Severity;
  code: FindingCode;
  rules: string[];
  /** In English, as the command line prints it. */
  message: string;
  /** The same in the locale files' words (`errors.verifier.*`), for a page or an API caller. */
  text: MessageText;
  witness?: Witness;
}

export interface Finding extends LocatedFinding {
  line: number;
  column: number;
}

/** One kind of finding: a pure function of the rule set. */
export type Check = (ruleSet: RuleSet) => LocatedFinding[];

/** The path of a rule in its file, `rules.3`, followed by `rest`. */
export function rulePath(ruleSet: RuleSet, rule: CompiledRule, rest = ''): string {
  const content = ruleSet.snapshot.files[rule.file] as { rules?: { name?: unknown }[] } | undefined;
  const index = content?.rules?.findIndex((entry) => entry.name === rule.name) ?? -1;
  const base = index >= 0 ? `rules.${index}` : rule.name;
  return rest ? `${base}.${rest}` : base;
}

/** Names as a message param: joined as the reader's language joins a list. */
export function names(list: readonly string[]): { code: string }[] {
  return list.map((code) => ({ code }));
}

/** `a, b and c` */
export function listed(names: readonly string[]): string {
  return names.length <= 1
    ? (names[0] ?? '')
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
