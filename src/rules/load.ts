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
import { RuleSetPositions, type RuleSetSources } from './positions';

/** The sample rule set that encodes the tariff book, shipped in the repository's `rules/`. */
export const DEFAULT_RULES_DIR = resolve(__dirname, '../../rules');

/**
 * A rule directory as read: the snapshot (each file's parsed JSON, the rule set's identity), the
 * text of each file beside it (for line and column: src/rules/positions.ts; never hashed, so
 * reformatting a file does not change the rule set), and what could not be read.
 */
export interface ReadRuleSet {
  snapshot: RuleSetSnapshot;
  sources: RuleSetSources;
  problems: Problem[];
}

export function readRuleSetDir(dir: string): ReadRuleSet {
  const problems: Problem[] = [];
  const files: Record<string, unknown> = {};
  const sources: Record<string, string> = {};
  let names: string[];
  try {
    names = readdirSync(dir).filter(
      (name) => name.endsWith('.json') && statSync(join(dir, name)).isFile(),
    );
  } catch (error) {
    return {
      snapshot: { files },
      sources,
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
    sources[name] = text;
    try {
      files[name] = withoutSchemaReference(JSON.parse(text));
    } catch (error) {
      problems.push({
        file: name,
        path: '',
        code: 'invalid-json',
        message: `not valid JSON: ${syntaxError(name, text) ?? (error as Error).message.split('\n')[0]}`,
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
  return { snapshot: { files }, sources, problems };
}

/** `value expected at line 5, column 13`, rather than JSON.parse's character offset. */
function syntaxError(name: string, text: string): string | undefined {
  const found = new RuleSetPositions({ [name]: text }).syntaxError(name);
  if (!found) return undefined;
  const words = found.error.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `${words} at line ${found.line}, column ${found.column}`;
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

/**
 * A rule set read back from the store, compiled. A stored snapshot compiled when it was stored,
 * so one that no longer compiles, or no longer hashes to its hash, is a defect on the server side
 * (AppError 'rule-set'), never the caller's.
 */
export function compileStoredRuleSet(hash: string, snapshot: RuleSetSnapshot): RuleSet {
  const result = compileRuleSet(snapshot);
  if (!result.ok) {
    throw new AppError(
      'rule-set',
      `stored rule set ${hash} no longer compiles: ${result.problems.map(formatProblem).join('; ')}`,
      { problems: result.problems },
    );
  }
  if (result.ruleSet.hash !== hash) {
    throw new AppError(
      'rule-set',
      `stored rule set ${hash} hashes to ${result.ruleSet.hash}: it was changed`,
    );
  }
  return result.ruleSet;
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
