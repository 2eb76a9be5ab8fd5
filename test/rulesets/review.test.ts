import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { printParseErrorCode } from 'jsonc-parser';
import { readRuleCases } from '../../src/cli/rule-cases';
import { issueMessage, messageFor, MESSAGE_LOCALES } from '../../src/messages/messages';
import { loadRuleSet } from '../../src/rules/load';
import { RuleSetService } from '../../src/rulesets/service';
import { importLiveRuleSetIfNone } from '../../src/rulesets/stored';
import { openStore } from '../../src/store';
import type { Store } from '../../src/store/types';
import { FIXTURE_RULES_DIR } from '../support/fixture-rules';

// The page of a rule set shows its review on every visit, so reviews are remembered per set; a
// remembered review must still follow the cases it is asked about.
describe('reviewing a stored rule set', () => {
  let store: Store;
  let hash: string;
  const reviewer = { id: 'pm', role: 'pricing-manager' as const };

  beforeAll(async () => {
    store = await openStore({
      sqlitePath: join(mkdtempSync(join(tmpdir(), 'gq-review-')), 'q.sqlite'),
    });
    ({ hash } = await importLiveRuleSetIfNone(store, () => loadRuleSet(FIXTURE_RULES_DIR), 'test'));
  });
  afterAll(async () => store.close());

  it('answers again from memory, and afresh when a case changes', async () => {
    const service = new RuleSetService({ store });
    const { cases } = readRuleCases(join(FIXTURE_RULES_DIR, 'cases'));
    const first = await service.review(reviewer, hash, { cases });
    expect(first.cases.length).toBe(cases.length);
    expect(first.cases.every((result) => result.passed)).toBe(true);
    expect(await service.review(reviewer, hash, { cases })).toBe(first);

    const [changed, ...rest] = cases;
    const wrong = { ...changed!, expect: { ...changed!.expect, eligible: false } };
    const second = await service.review(reviewer, hash, { cases: [wrong, ...rest] });
    expect(second.cases[0]!.passed).toBe(false);
    expect(second.cases.slice(1).every((result) => result.passed)).toBe(true);
  });
});

// The raw-JSON editor shows where a file stops being JSON and why, in the reader's language.
describe('checking a file that is not JSON', () => {
  const analyst = { id: 'pm', role: 'pricing-manager' as const };
  const FILE = 'tiers.rules.json';

  function syntaxProblem(text: string) {
    const service = new RuleSetService({
      store: undefined as unknown as Store, // check stores nothing and reads nothing
    });
    const check = service.check(analyst, { files: {}, sources: { [FILE]: text } });
    expect(check.problems).toHaveLength(1);
    return check.problems[0]!;
  }

  it('words every error jsonc-parser can report in both languages', () => {
    const codes = Array.from({ length: 16 }, (_, index) => printParseErrorCode(index + 1));
    expect(new Set(codes).size).toBe(16);
    for (const code of codes) {
      for (const lang of MESSAGE_LOCALES) {
        const words = messageFor(
          'rulesets.notJson',
          { error: { term: `jsonSyntax.${code}` } },
          lang,
        );
        expect([code, words]).not.toEqual([code, expect.stringContaining(code)]);
      }
    }
  });

  it('keeps the line and column, and names no code', () => {
    // The second comma, at line 3 column 19, is where a property name should be.
    const problem = syntaxProblem('{\n  "rules": [\n    { "name": "a",, "priority": 1 }\n  ]\n}');
    expect(problem).toMatchObject({ file: FILE, code: 'invalid-json', line: 3, column: 19 });
    expect(problem.message).toBe(
      messageFor('rulesets.notJson', { error: { term: 'jsonSyntax.PropertyNameExpected' } }, 'en'),
    );
    expect(issueMessage(problem, 'zh-CN')).toContain('属性名');
    expect(issueMessage(problem, 'zh-CN')).not.toMatch(/Expected/);
    expect(syntaxProblem('{ "rules": [ 1 2 ] }').message).toMatch(/comma was expected/);
  });
});
