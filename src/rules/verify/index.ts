/**
 * The rule-set verifier: what compiling cannot see because it needs every request at once. Two
 * rules deciding one thing for one request, percent points that can pass 100 % on an item, a rule
 * that can never fire, a tier, fact or product no rule uses, a figure in the wrong unit. Pure:
 * a compiled RuleSet (and its files' text, for line and column) in, findings out. Each kind of
 * finding is one module beside this one.
 */
import type { RuleSet } from '../compile';
import { RuleSetPositions, type RuleSetSources } from '../positions';
import { decideOverlaps } from './decide-overlap';
import type { Check, Finding } from './finding';
import { neverFiring } from './never-fires';
import { percentTotals } from './percent-total';
import { priorityOrder } from './priority-order';
import { unitTraps } from './units';
import { unusedDeclarations } from './unused';

export type { Finding, FindingCode, Severity } from './finding';
export type { Witness } from './space';

const CHECKS: readonly Check[] = [
  decideOverlaps,
  priorityOrder,
  percentTotals,
  neverFiring,
  unusedDeclarations,
  unitTraps,
];

/**
 * Every finding about `ruleSet`, by file and position. Without `sources` (a rule set from the
 * store), positions are in the files as `JSON.stringify(content, null, 2)` prints them.
 */
export function verifyRuleSet(ruleSet: RuleSet, sources?: RuleSetSources): Finding[] {
  const positions = new RuleSetPositions(sources ?? prettyPrinted(ruleSet));
  return CHECKS.flatMap((check) => check(ruleSet))
    .map((finding): Finding => ({ ...finding, ...positions.at(finding.file, finding.path) }))
    .sort(
      (a, b) =>
        (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
    );
}

/** Whether any finding stops the rule set (exit code 1 of `quote rules validate`). */
export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error');
}

/**
 * `file:line:column: severity: message (rules a, b)`, and the witness on the next line: the
 * facts of a request that shows the finding.
 */
export function formatFinding(finding: Finding): string {
  const rules = finding.rules.length > 0 ? ` (rules ${finding.rules.join(', ')})` : '';
  const head = `${finding.file}:${finding.line}:${finding.column}: ${finding.severity}: ${finding.message}${rules}`;
  return finding.witness ? `${head}\n  witness: ${JSON.stringify(finding.witness)}` : head;
}

function prettyPrinted(ruleSet: RuleSet): RuleSetSources {
  return Object.fromEntries(
    Object.entries(ruleSet.snapshot.files).map(([file, content]) => [
      file,
      JSON.stringify(content, null, 2),
    ]),
  );
}
