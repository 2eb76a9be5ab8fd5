/** A small portfolio in a real store, and a draft of the fixture tariff to analyse against it. */
import fc from 'fast-check';
import { loadRuleSet } from '../../src/rules/load';
import { priceQuote } from '../../src/pricing/price';
import { parseQuoteRequest } from '../../src/rules/request';
import type { RuleSet } from '../../src/rules/compile';
import type { Store } from '../../src/store/types';
import { eligibleRequest, FAST_CHECK_SEED } from '../support/arbitraries';
import { copyRulesDir, editFile, fixtureRuleSet } from '../support/rule-set-copy';

/**
 * The draft: long-distance minutes 35 % → 40 % off for key accounts, the key tier from 80 lines
 * instead of 100, and automatic approval from 70 % margin instead of 30 %, so figures, tiers and
 * approval levels all move.
 */
export function draftRuleSet(): RuleSet {
  const dir = copyRulesDir();
  editFile(dir, 'long-distance.rules.json', (text) =>
    text.replace('"percent": "35"', '"percent": "40"'),
  );
  editFile(dir, 'tiers.rules.json', (text) =>
    text.replace(
      '{ "fact": "lines", "operator": "decimalGreaterThanInclusive", "value": "100" }',
      '{ "fact": "lines", "operator": "decimalGreaterThanInclusive", "value": "80" }',
    ),
  );
  editFile(dir, 'approval.rules.json', (text) =>
    text.replaceAll('"value": "30.00"', '"value": "70.00"'),
  );
  return loadRuleSet(dir);
}

export const live = fixtureRuleSet;

/**
 * Stores `count` generated requests, one enterprise each, priced by `ruleSet`; the first
 * enterprise gets an older quote too (a different request), which the analysis must not use,
 * and one enterprise's name starts with `=` as a spreadsheet formula would.
 */
export async function seedPortfolio(store: Store, ruleSet: RuleSet, count: number): Promise<void> {
  await store.saveRuleSet(ruleSet.hash, ruleSet.snapshot, 'system', '2026-01-01T00:00:00.000Z');
  const requests = fc.sample(eligibleRequest, { numRuns: count + 1, seed: FAST_CHECK_SEED });
  const store1 = async (input: unknown, id: string, name: string, createdAt: string) => {
    const body = input as { enterprise: Record<string, string> };
    const request = parseQuoteRequest(ruleSet.requestSchema, {
      ...body,
      enterprise: { ...body.enterprise, id, name },
    });
    const quote = await priceQuote(ruleSet, request);
    if (!quote.eligible) throw new Error('seeded requests are eligible');
    await store.createQuote({
      accountManagerId: 'am-1',
      request,
      quote,
      state: 'draft',
      createdAt,
      validUntil: '2026-12-31T00:00:00.000Z',
    });
  };
  await store1(requests[count], 'ENT-000', 'Older request of ENT-000', '2026-11-01T00:00:00.000Z');
  for (const [index, input] of requests.slice(0, count).entries()) {
    const id = `ENT-${String(index).padStart(3, '0')}`;
    const name = index === 1 ? '=HYPERLINK("x")' : `企业 ${index}`;
    await store1(
      input,
      id,
      name,
      `2026-11-${String(2 + (index % 20)).padStart(2, '0')}T08:00:00.000Z`,
    );
  }
}
