/**
 * `quote rules test`: the cases beside a rule set, priced by it, each failing figure on a line of
 * its own and a closing `N passed, N failed`. Run in-process on copies of the fixture rule set.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRuleSetDir } from '../../src/rules/load';
import { ruleSetHash } from '../../src/rules/compile';
import { runQuote } from '../support/cli';
import { copyRulesDir, editFile, FIXTURE_RULES_DIR } from '../support/rule-set-copy';

const FIXTURE_CASES = readdirSync(join(FIXTURE_RULES_DIR, 'cases')).filter((name) =>
  name.endsWith('.json'),
);

const lines = (text: string) => text.split('\n');

describe('quote rules test', () => {
  it('runs the cases of RULES_DIR (the fixture here) and ends with the count, exit 0', async () => {
    const result = await runQuote('rules', 'test');
    expect(result).toEqual({ code: 0, out: `${FIXTURE_CASES.length} passed, 0 failed`, err: '' });
  });

  it('prints each failing figure as case › path: expected X, got Y, and exits 1', async () => {
    const dir = copyRulesDir();
    editFile(dir, 'long-distance.rules.json', (text) =>
      text.replace('"item": "LD_MIN", "percent": "35"', '"item": "LD_MIN", "percent": "40"'),
    );
    const result = await runQuote('rules', 'test', dir);
    expect(result.code).toBe(1);
    const out = lines(result.out);
    expect(out).toContain('ENT-0001 › items.LD_MIN.discount: expected 756.00, got 864.00');
    expect(out).toContain('ENT-0001 › totals.monthlyNet: expected 13128.00, got 13020.00');
    expect(out).toContain(
      'key-free-handsets-pricing-manager › internal.marginPct: expected 20.44, got 20.07',
    );
    expect(out.slice(0, -1)).toEqual(
      out
        .slice(0, -1)
        .map(() => expect.stringMatching(/^[\w-]+ › [\w.-]+: expected \S+, got \S+$/)),
    );
    expect(out.at(-1)).toBe(`${FIXTURE_CASES.length - 3} passed, 3 failed`);
  });

  it('counts a case file that is not a case as failed, naming the place', async () => {
    const dir = copyRulesDir();
    writeFileSync(join(dir, 'cases', 'broken-json.json'), '{ "description": ');
    writeFileSync(
      join(dir, 'cases', 'typo.json'),
      JSON.stringify({ description: 'x', request: {}, expect: { totals: { monthlyNet: 13128 } } }),
    );
    writeFileSync(join(dir, 'cases', 'notes.txt'), 'not a case: ignored');
    const result = await runQuote('rules', 'test', dir);
    expect(result.code).toBe(1);
    expect(lines(result.out)).toEqual([
      expect.stringMatching(/^broken-json › \(file\): not valid JSON/),
      expect.stringMatching(/^typo › expect\.totals\.monthlyNet: /),
      `${FIXTURE_CASES.length} passed, 2 failed`,
    ]);
  });

  it('reads the cases from --cases', async () => {
    const cases = mkdtempSync(join(tmpdir(), 'gq-cases-'));
    writeFileSync(
      join(cases, 'refused.json'),
      JSON.stringify({
        description: 'too few lines',
        request: refusedRequest(),
        expect: { reasons: ['a group plan needs at least 10 lines'] },
      }),
    );
    expect(await runQuote('rules', 'test', FIXTURE_RULES_DIR, '--cases', cases)).toEqual({
      code: 0,
      out: '1 passed, 0 failed',
      err: '',
    });
  });

  it('fails, saying why, when there are no cases to run', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'gq-cases-'));
    expect(await runQuote('rules', 'test', '--cases', empty)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^error: no cases \(\*\.json\) in /),
    });
    rmSync(empty, { recursive: true });
    expect(await runQuote('rules', 'test', '--cases', empty)).toMatchObject({
      code: 1,
      err: expect.stringMatching(/^error: cannot read the cases in .*: ENOENT/),
    });
  });

  it('fails with the rule set’s problems when the rule set does not load', async () => {
    const dir = copyRulesDir();
    editFile(dir, 'ringback.rules.json', (text) => text.replace('"percent-off"', '"percent-of"'));
    const result = await runQuote('rules', 'test', dir);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/ringback\.rules\.json\b.*rules\.0\.event\.type: unknown component/);
  });

  it.each([
    [['rules', 'test', 'one', 'two'], /too many arguments/],
    [['rules', 'test', '--bogus'], /unknown option '--bogus'/],
    [['rules', 'test', '--cases'], /'--cases <dir>' argument missing/],
  ])('quote %j is bad usage, exit 2', async (argv, problem) => {
    const result = await runQuote(...argv);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(problem);
  });
});

describe('the cases directory', () => {
  it('is not part of the rule set: its files change neither the snapshot nor the hash', () => {
    const dir = copyRulesDir();
    const before = readRuleSetDir(dir).snapshot;
    writeFileSync(join(dir, 'cases', 'another.json'), '{}');
    const after = readRuleSetDir(dir).snapshot;
    expect(Object.keys(after.files).some((name) => name.includes('cases'))).toBe(false);
    expect(ruleSetHash(after)).toBe(ruleSetHash(before));
  });
});

function refusedRequest() {
  return {
    enterprise: {
      id: 'ENT-SMALL',
      name: '小企业',
      industry: 'other',
      creditRating: 'A',
      purchasing: 'distributed',
      annualSpend: '1000.00',
    },
    termMonths: 12,
    lines: 5,
    usagePerLine: {
      localMinutes: '10',
      groupMinutes: '0',
      longDistanceMinutes: '0',
      sms: '0',
      dataGB: '1',
    },
    ringbackTone: false,
    handsets: [],
  };
}
