/**
 * The code's tests price with the frozen test/fixtures/rules/, never the live rules/, so that a
 * pricing change there (35 → 40 % off long distance) leaves `npx jest` green and only
 * `quote rules test` speaks to it. A command, the service or `loadRuleSet()` given no directory
 * read RULES_DIR, which jest.config.js sets to the fixture in the process that starts jest's
 * workers, so every test and every process a test starts inherits it; and a test naming rules/
 * itself is refused below, but for the few that check what the code generates for the files there
 * (test/rules/live-rules.test.ts).
 *
 * The proof end to end is `npm run test:fixture-independence`: it copies the checkout, edits
 * prices and percentages in its rules/, and runs jest there (green) and `quote rules test` (red).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { loadRuleSet } from '../src/rules/load';
import { runQuote } from './support/cli';
import { FIXTURE_RULES_DIR, fixtureRuleSet } from './support/rule-set-copy';

const ROOT = join(__dirname, '..');
const TEST = __dirname;

/** The tests allowed to read the live rules/: they check files the code generates for it. */
const READS_LIVE_RULES = new Set(['rules/live-rules.test.ts', 'fixture-rules.test.ts']);

/** Ways a test names the live rule directory: the code's default, or a path to <root>/rules. */
const NAMES_LIVE_RULES = [
  /\bDEFAULT_RULES_DIR\b/,
  /RULES_DIR\s*:\s*(''|""|undefined)/,
  /delete\s+process\.env\.RULES_DIR/,
  /['"`](\.\.\/)+rules['"`/]/,
  /['"]\.\.['"]\s*,\s*['"]rules['"]/,
];

function testSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'bench' ? [] : testSources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

describe('the code tests', () => {
  it('look for the rule set in the fixture when nobody names one', () => {
    expect(process.env.RULES_DIR).toBe(FIXTURE_RULES_DIR);
    expect(loadRuleSet().hash).toBe(fixtureRuleSet().hash);
  });

  it('start commands and services that price with the fixture too', async () => {
    expect((await runQuote('rules', 'validate')).out).toMatch(
      new RegExp(`^ok: ${FIXTURE_RULES_DIR.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `),
    );
    // No env given: the child gets the worker's own environment, not this test's copy of it.
    const child = spawnSync(
      process.execPath,
      ['-e', 'process.stdout.write(process.env.RULES_DIR ?? "")'],
      { encoding: 'utf8' },
    );
    expect(child.stdout).toBe(FIXTURE_RULES_DIR);
  });

  it('never name the live rules/, but for the few that check what the code generates there', () => {
    const offenders = testSources(TEST).flatMap((file) => {
      const name = relative(TEST, file).split(sep).join('/');
      if (READS_LIVE_RULES.has(name)) return [];
      const source = readFileSync(file, 'utf8');
      return NAMES_LIVE_RULES.filter((pattern) => pattern.test(source)).map(
        (pattern) => `${name}: ${pattern}`,
      );
    });
    expect(offenders).toEqual([]);
  });

  it('have a fixture that is a whole rule set of its own, with cases beside it', () => {
    expect(relative(ROOT, FIXTURE_RULES_DIR).split(sep)).toEqual(['test', 'fixtures', 'rules']);
    expect(readdirSync(FIXTURE_RULES_DIR)).toEqual(
      expect.arrayContaining(['tariff.json', 'prices.json', 'costs.json', 'cases']),
    );
  });
});
