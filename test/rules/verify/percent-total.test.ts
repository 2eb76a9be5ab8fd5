import { priceQuote } from '../../../src/pricing/price';
import type { Finding } from '../../../src/rules/verify';
import { FIXTURE_RULES_DIR } from '../../support/rule-set-copy';
import { requestFor, valueAfter, verifiedAfter, verifiedDir, type Verified } from './support';

const overHundred = (verified: Verified): Finding[] =>
  verified.findings.filter((finding) => finding.code === 'percent-over-100');

describe('percent points that add up past 100 % on one item', () => {
  it('the sample never passes 100 % (handsets reach exactly 100 on 36 months)', () => {
    expect(overHundred(verifiedDir(FIXTURE_RULES_DIR))).toEqual([]);
  });

  it('a 36-month bonus of 55 points on top of the strategic 50 is found, with a strategic request', async () => {
    const verified = verifiedAfter([
      'long-distance.rules.json',
      '"item": "LD_MIN", "percent": "5" }',
      '"item": "LD_MIN", "percent": "55" }',
    ]);
    const [finding, ...more] = overHundred(verified);
    expect(more).toEqual([]);
    expect(finding).toMatchObject({
      file: 'long-distance.rules.json',
      severity: 'error',
      rules: ['long-distance-strategic', 'long-distance-36-month-bonus'],
      message: expect.stringContaining('50 % + 55 % = 105 % off LD_MIN'),
      ...valueAfter(
        verified.sources['long-distance.rules.json']!,
        '"name": "long-distance-strategic"',
        '"percent":',
      ),
      witness: expect.objectContaining({ termMonths: 36 }),
    });
    const { request, context } = requestFor(finding!.witness!, verified.ruleSet);
    await expect(priceQuote(verified.ruleSet, request, context)).rejects.toThrow(
      /long-distance-strategic, long-distance-36-month-bonus together take 105 % off LD_MIN/,
    );
  });

  it('category discounts count on every item of the category; the request has a handset and is not refused', async () => {
    const verified = verifiedAfter([
      'handsets.rules.json',
      '"fact": "termMonths", "operator": "equal", "value": 24',
      '"fact": "termMonths", "operator": "in", "value": [24, 36]',
    ]);
    const [finding, ...more] = overHundred(verified);
    expect(more).toEqual([]);
    expect(finding).toMatchObject({
      rules: ['handsets-24-month', 'handsets-36-month-key-strategic'],
      message: expect.stringContaining('= 150 % off HX-5G-PRO and HX-5G-LITE'),
    });
    const { request, context } = requestFor(finding!.witness!, verified.ruleSet);
    expect((request.handsets as unknown[]).length).toBeGreaterThan(0);
    await expect(priceQuote(verified.ruleSet, request, context)).rejects.toThrow(
      /together take 150 % off HX-5G/,
    );
  });

  it('rules that cannot fire together are not added up (standard 70 % and key 100 % on 36 months)', () => {
    const verified = verifiedAfter([
      'handsets.rules.json',
      '"category": "handset", "percent": "70"',
      '"category": "handset", "percent": "90"',
    ]);
    expect(overHundred(verified)).toEqual([]);
  });
});
