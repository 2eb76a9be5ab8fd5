import { AppError } from '../../../src/errors';
import { priceQuote } from '../../../src/pricing/price';
import { runPhase } from '../../../src/rules/engine';
import type { Finding } from '../../../src/rules/verify';
import { FIXTURE_RULES_DIR } from '../../support/rule-set-copy';
import { requestFor, valueAfter, verifiedAfter, verifiedDir, type Verified } from './support';

const overlaps = (verified: Verified): Finding[] =>
  verified.findings.filter((finding) => finding.code === 'decide-overlap');

/** Prices the witness of a finding: it must stop on the very conflict the finding names. */
async function expectConflictWhenPriced(verified: Verified, finding: Finding): Promise<void> {
  const { request, context } = requestFor(finding.witness!, verified.ruleSet);
  const priced = priceQuote(verified.ruleSet, request, context);
  await expect(priced).rejects.toBeInstanceOf(AppError);
  await expect(priced).rejects.toMatchObject({
    kind: 'rule-conflict',
    details: { rules: finding.rules },
  });
}

describe('rules that decide one thing', () => {
  it('the sample tiers, overdraft multiples, points and approval levels exclude each other', () => {
    expect(overlaps(verifiedDir(FIXTURE_RULES_DIR))).toEqual([]);
  });

  it('tier-key without its "tier is still null" guard overlaps tier-strategic, at tier-key', async () => {
    const verified = verifiedAfter([
      'tiers.rules.json',
      '{ "fact": "tier", "operator": "equal", "value": null },\n          {\n            "any"',
      '{\n            "any"',
    ]);
    const found = overlaps(verified);
    expect(found).toEqual([
      expect.objectContaining({
        file: 'tiers.rules.json',
        severity: 'error',
        rules: ['tier-strategic', 'tier-key'],
        ...valueAfter(verified.sources['tiers.rules.json']!, '"name": "tier-key"', '"conditions":'),
        message: expect.stringMatching(/decide tier can fire for the same request/),
      }),
    ]);
    expect(found[0]!.witness).toMatchObject({
      lines: expect.any(Number),
      enterprise: { purchasing: 'centralized' },
    });
    await expectConflictWhenPriced(verified, found[0]!);
  });

  it('two overdraft multiples for one credit rating', async () => {
    const verified = verifiedAfter(['overdraft.rules.json', '"value": "AA" }', '"value": "AAA" }']);
    const [finding, ...more] = overlaps(verified);
    expect(more).toEqual([]);
    expect(finding).toMatchObject({
      file: 'overdraft.rules.json',
      rules: ['overdraft-aaa', 'overdraft-aa'],
      witness: { enterprise: { creditRating: 'AAA' } },
    });
    await expectConflictWhenPriced(verified, finding!);
  });

  it('two approval levels whose margin bands meet, with the margin that hits both', async () => {
    const verified = verifiedAfter([
      'approval.rules.json',
      '"operator": "decimalLessThan", "value": "30.00"',
      '"operator": "decimalLessThanInclusive", "value": "30.00"',
    ]);
    const [finding, ...more] = overlaps(verified);
    expect(more).toEqual([]);
    expect(finding).toMatchObject({
      file: 'approval.rules.json',
      rules: ['approval-auto', 'approval-pricing-manager'],
      witness: { marginPct: '30' },
    });
    await expect(runPhase(verified.ruleSet, 'approval', finding!.witness!)).rejects.toMatchObject({
      kind: 'rule-conflict',
      details: { rules: finding!.rules },
    });
  });

  it('nested any/not conditions are decided exactly: an "any" branch that overlaps is found', async () => {
    const verified = verifiedAfter([
      'overdraft.rules.json',
      '{ "fact": "enterprise", "path": "$.creditRating", "operator": "equal", "value": "BBB" }',
      '{ "any": [{ "fact": "enterprise", "path": "$.creditRating", "operator": "equal", "value": "BBB" }, { "not": { "fact": "lines", "operator": "decimalLessThan", "value": "1000" } }] }',
    ]);
    const [finding, ...more] = overlaps(verified);
    expect(more.map((entry) => entry.rules)).toEqual([
      ['overdraft-aa', 'overdraft-bbb'],
      ['overdraft-a', 'overdraft-bbb'],
    ]);
    expect(finding).toMatchObject({ rules: ['overdraft-aaa', 'overdraft-bbb'] });
    expect(finding!.witness).toMatchObject({ lines: 1000, enterprise: { creditRating: 'AAA' } });
    await expectConflictWhenPriced(verified, finding!);
  });
});

describe('dated rules (promotions)', () => {
  const PROMOTION = `{
      "name": "points-key-december",
      "priority": 10,
      "validFrom": "2026-12-01",
      "validTo": "2026-12-31",
      "conditions": { "all": [{ "fact": "tier", "operator": "equal", "value": "key" }] },
      "event": { "type": "points-multiplier", "params": { "multiplier": "3" } }
    },
    {
      "name": "points-key",`;

  it('a promotion that doubles a standing rule overlaps it on the promotion dates', async () => {
    const verified = verifiedAfter([
      'loyalty.rules.json',
      '{\n      "name": "points-key",',
      `${PROMOTION}`,
    ]);
    const [finding, ...more] = overlaps(verified);
    expect(more).toEqual([]);
    expect(finding).toMatchObject({
      rules: ['points-key-december', 'points-key'],
      witness: { quoteDate: expect.stringMatching(/^2026-12-/) },
    });
    await expectConflictWhenPriced(verified, finding!);
  });

  it('a standing rule that ends the day before the promotion starts does not overlap it', () => {
    const verified = verifiedAfter([
      'loyalty.rules.json',
      '{\n      "name": "points-key",\n      "priority": 10,',
      `${PROMOTION}\n      "priority": 10,\n      "validTo": "2026-11-30",`,
    ]);
    expect(overlaps(verified)).toEqual([]);
  });
});
