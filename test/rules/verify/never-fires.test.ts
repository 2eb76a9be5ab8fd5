import { FIXTURE_RULES_DIR } from '../../support/rule-set-copy';
import { valueAfter, verifiedAfter, verifiedDir } from './support';

describe('a rule that can never fire', () => {
  it('none in the sample: each tier rule, discount and benefit fires for some request', () => {
    expect(
      verifiedDir(FIXTURE_RULES_DIR).findings.filter((finding) => finding.code === 'never-fires'),
    ).toEqual([]);
  });

  it('a band whose bounds contradict each other (a typo: 50 for 500)', () => {
    const verified = verifiedAfter([
      'line-fee.rules.json',
      '"operator": "decimalLessThan", "value": "500"',
      '"operator": "decimalLessThan", "value": "50"',
    ]);
    expect(verified.findings).toEqual([
      expect.objectContaining({
        code: 'never-fires',
        severity: 'warning',
        rules: ['scale-discount-100-499'],
        ...valueAfter(
          verified.sources['line-fee.rules.json']!,
          '"name": "scale-discount-100-499"',
          '"conditions":',
        ),
      }),
    ]);
  });

  it('a tier no rule assigns any more', () => {
    const verified = verifiedAfter([
      'tiers.rules.json',
      '"params": { "tier": "strategic" }',
      '"params": { "tier": "key" }',
    ]);
    const never = verified.findings.filter((finding) => finding.code === 'never-fires');
    expect(never.map((finding) => finding.rules[0])).toEqual(
      expect.arrayContaining(['long-distance-strategic', 'points-strategic']),
    );
    expect(never[0]!.message).toMatch(/check the values of "tier"/);
  });
});
