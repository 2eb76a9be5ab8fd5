/** Reads a rule-set directory into a snapshot and compiles it. The only file I/O of the rules. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../errors';
import {
  compileRuleSet,
  RULE_FILE_SUFFIX,
  type Problem,
  type RuleSet,
  type RuleSetSnapshot,
} from './compile';

/** The sample rule set that encodes the tariff book, shipped in the repository's `rules/`. */
export const DEFAULT_RULES_DIR = resolve(__dirname, '../../rules');

export function readRuleSetDir(dir: string): { snapshot: RuleSetSnapshot; problems: Problem[] } {
  const problems: Problem[] = [];
  const files: Record<string, unknown> = {};
  let names: string[];
  try {
    names = readdirSync(dir).filter(
      (name) => name.endsWith('.json') && statSync(join(dir, name)).isFile(),
    );
  } catch (error) {
    return {
      snapshot: { files },
      problems: [
        {
          file: dir,
          path: '',
          code: 'missing-file',
          message: `cannot read rule directory: ${(error as Error).message}`,
        },
      ],
    };
  }
  for (const name of names.sort()) {
    const text = readFileSync(join(dir, name), 'utf8');
    try {
      files[name] = withoutSchemaReference(JSON.parse(text));
    } catch (error) {
      problems.push({
        file: name,
        path: '',
        code: 'invalid-json',
        message: `not valid JSON: ${(error as Error).message}`,
      });
    }
  }
  if (
    !names.some((name) => name.endsWith(RULE_FILE_SUFFIX)) &&
    problems.length === 0 &&
    names.length === 0
  ) {
    problems.push({ file: dir, path: '', code: 'missing-file', message: 'no rule-set files here' });
  }
  return { snapshot: { files }, problems };
}

/**
 * `$schema` only points editors at the JSON Schema; it is left out of the snapshot so that moving
 * the schema does not change a rule set's identity.
 */
function withoutSchemaReference(content: unknown): unknown {
  if (content === null || typeof content !== 'object' || Array.isArray(content)) return content;
  const rest = { ...(content as Record<string, unknown>) };
  delete rest.$schema;
  return rest;
}

/** Checks a directory and returns every problem; an empty list means the set loads. */
export function validateRuleSetDir(dir: string): Problem[] {
  const { snapshot, problems } = readRuleSetDir(dir);
  const compiled = compileRuleSet(snapshot);
  return [...problems, ...(compiled.ok ? [] : compiled.problems)];
}

export function loadRuleSet(dir: string = process.env.RULES_DIR || DEFAULT_RULES_DIR): RuleSet {
  const { snapshot, problems } = readRuleSetDir(dir);
  const compiled = compileRuleSet(snapshot);
  const all = [...problems, ...(compiled.ok ? [] : compiled.problems)];
  if (all.length > 0 || !compiled.ok) throw ruleSetError(dir, all);
  return compiled.ruleSet;
}

export function ruleSetError(source: string, problems: Problem[]): AppError {
  return new AppError(
    'rule-set',
    `the rule set in ${source} has ${problems.length} problem(s):\n${problems.map(formatProblem).join('\n')}`,
    { problems },
  );
}

export function formatProblem(problem: Problem): string {
  return `${problem.file}: ${problem.path || '(file)'}: ${problem.message}`;
}
