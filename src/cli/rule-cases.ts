/**
 * Reading the rule cases of a directory (`rules/cases/*.json` by default): every file a case named
 * by its file, or the problems that keep it from being one. Running them is the pricing core's
 * (src/pricing/cases.ts); this is the file I/O the core does not do.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isBrokenCase, ruleCaseFrom, type BrokenCase, type RuleCase } from '../pricing/cases';
import { DEFAULT_RULES_DIR } from '../rules/load';
import type { CliIo } from './usage';

/** The rule directory a command uses when none is given: RULES_DIR, else the repository's rules/. */
export function ruleDirOf(given: string | undefined): string {
  return given ?? (process.env.RULES_DIR || DEFAULT_RULES_DIR);
}

/** Where the cases of a rule directory live when `--cases` does not say. */
export function caseDirOf(ruleDir: string, given: string | undefined): string {
  return given ?? join(ruleDir, 'cases');
}

export type { BrokenCase };

export interface CaseDirectory {
  cases: RuleCase[];
  broken: BrokenCase[];
}

/** Reads every `*.json` directly in `dir`, in name order. Throws if the directory cannot be read. */
export function readRuleCases(dir: string): CaseDirectory {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.json') && statSync(join(dir, name)).isFile())
    .sort();
  const cases: RuleCase[] = [];
  const broken: BrokenCase[] = [];
  for (const file of names) {
    const name = basename(file, '.json');
    let content: unknown;
    try {
      content = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    } catch (error) {
      broken.push({
        name,
        failures: [{ path: '(file)', message: `not valid JSON: ${(error as Error).message}` }],
      });
      continue;
    }
    const read = ruleCaseFrom(name, content);
    if (isBrokenCase(read)) broken.push(read);
    else cases.push(read);
  }
  return { cases, broken };
}

/**
 * The cases of a directory for a command, or undefined when there are none to run: an unreadable
 * or empty directory is said on standard error, as the command fails.
 */
export function casesFor(caseDir: string, io: CliIo): CaseDirectory | undefined {
  let read: CaseDirectory;
  try {
    read = readRuleCases(caseDir);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    io.err(`error: cannot read the cases in ${caseDir}: ${reason}`);
    return undefined;
  }
  if (read.cases.length + read.broken.length === 0) {
    io.err(`error: no cases (*.json) in ${caseDir}`);
    return undefined;
  }
  return read;
}
