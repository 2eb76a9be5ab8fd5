import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_RULES_DIR, readRuleSetDir } from '../../src/rules/load';
import type { RuleSetSnapshot } from '../../src/rules/compile';

/** A throw-away copy of the sample rule directory, for tests that edit files. */
export function copyRulesDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gq-rules-'));
  cpSync(DEFAULT_RULES_DIR, dir, { recursive: true });
  return dir;
}

export function editFile(dir: string, file: string, edit: (text: string) => string): void {
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  writeFileSync(path, after);
}

/** The sample set as a snapshot that a test may mutate freely. */
export function sampleSnapshot(): RuleSetSnapshot {
  return structuredClone(readRuleSetDir(DEFAULT_RULES_DIR).snapshot);
}
