import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadRuleSet, readRuleSetDir } from '../../src/rules/load';
import type { RuleSet, RuleSetSnapshot } from '../../src/rules/compile';
import { FIXTURE_RULES_DIR } from './fixture-rules';

export { FIXTURE_RULES_DIR };

/** The frozen fixture rule set, compiled: what the code's tests price with. */
export function fixtureRuleSet(): RuleSet {
  return loadRuleSet(FIXTURE_RULES_DIR);
}

/** A throw-away copy of the fixture rule directory, for tests that edit files. */
export function copyRulesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gq-rules-'));
  cpSync(FIXTURE_RULES_DIR, dir, { recursive: true });
  return dir;
}

export function editFile(dir: string, file: string, edit: (text: string) => string): void {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  writeFileSync(path, after);
}

/** The fixture set as a snapshot that a test may mutate freely. */
export function sampleSnapshot(): RuleSetSnapshot {
  return structuredClone(readRuleSetDir(FIXTURE_RULES_DIR).snapshot);
}

/**
 * Problems without the words a file schema's message has for other languages (keys under
 * `rules.` and `issues.`), as the command line shows them: tests of where a problem is and what
 * it says in English compare these; test/rules/checks.test.ts tests the words.
 */
export function structuralWordsLeftOut<P extends { text?: { key: string } }>(
  problems: readonly P[],
): P[] {
  return problems.map((problem) => {
    if (!problem.text || !/^(rules|issues)\./.test(problem.text.key)) return problem;
    const { text: _words, ...rest } = problem;
    return rest as P;
  });
}
