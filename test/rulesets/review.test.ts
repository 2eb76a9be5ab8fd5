import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRuleCases } from '../../src/cli/rule-cases';
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
