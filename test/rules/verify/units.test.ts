import { compileRuleSet } from '../../../src/rules/compile';
import { FIXTURE_RULES_DIR, sampleSnapshot } from '../../support/rule-set-copy';
import { valueAfter, verifiedAfter, verifiedDir } from './support';

const UNIT_CODES = [
  'percent-looks-like-fraction',
  'percent-out-of-range',
  'vat-rate-out-of-range',
  'money-precision',
];

describe('unit traps: percent points everywhere, VAT rates as fractions, money to the fen', () => {
  it('none in the sample: 0.10 % probability of default is real, "0.020" is 2 fen', () => {
    expect(
      verifiedDir(FIXTURE_RULES_DIR).findings.filter((finding) =>
        UNIT_CODES.includes(finding.code),
      ),
    ).toEqual([]);
  });

  it('a percent below 1 looks like a fraction (a warning, with the fix)', () => {
    const verified = verifiedAfter([
      'long-distance.rules.json',
      '"item": "LD_MIN", "percent": "35"',
      '"item": "LD_MIN", "percent": "0.35"',
    ]);
    expect(verified.findings).toEqual([
      expect.objectContaining({
        file: 'long-distance.rules.json',
        severity: 'warning',
        code: 'percent-looks-like-fraction',
        rules: ['long-distance-key'],
        message: expect.stringContaining('looks like a fraction: 0.35 means 0.35 %, write "35"'),
        ...valueAfter(
          verified.sources['long-distance.rules.json']!,
          '"name": "long-distance-key"',
          '"percent":',
        ),
      }),
    ]);
  });

  it('a margin threshold written as a fraction is caught in conditions too', () => {
    const verified = verifiedAfter([
      'approval.rules.json',
      '"operator": "decimalGreaterThanInclusive", "value": "30.00" }',
      '"operator": "decimalGreaterThanInclusive", "value": "0.3" }',
    ]);
    expect(verified.findings).toContainEqual(
      expect.objectContaining({
        code: 'percent-looks-like-fraction',
        rules: ['approval-auto'],
        message: expect.stringContaining('marginPct "0.3" looks like a fraction'),
      }),
    );
  });

  it('a percent over 100, a VAT rate written in percent and a price with a third decimal are errors', () => {
    const verified = verifiedAfter(
      ['ringback.rules.json', '"percent": "100"', '"percent": "135"'],
      ['prices.json', '"rate": "0.06"', '"rate": "6"'],
      ['prices.json', '"unitPrice": "3999.00"', '"unitPrice": "3999.005"'],
      ['costs.json', '"DATA_GB": "1.20"', '"DATA_GB": "1.205"'],
    );
    const prices = verified.sources['prices.json']!;
    expect(verified.findings).toEqual([
      expect.objectContaining({
        file: 'costs.json',
        code: 'money-precision',
        message:
          'unit cost "1.205" of DATA_GB has 3 decimals: amounts are CNY to the fen, at most 2 decimals',
      }),
      expect.objectContaining({
        file: 'prices.json',
        code: 'vat-rate-out-of-range',
        severity: 'error',
        message: expect.stringContaining('VAT rate "6" of value-added-telecom is 600 %'),
        ...valueAfter(prices, '"value-added-telecom": {', '"rate":'),
      }),
      expect.objectContaining({
        file: 'prices.json',
        code: 'money-precision',
        ...valueAfter(prices, '"code": "HX-5G-PRO"', '"unitPrice":'),
      }),
      expect.objectContaining({
        file: 'ringback.rules.json',
        code: 'percent-out-of-range',
        severity: 'error',
        rules: ['ringback-waiver'],
      }),
    ]);
  });
});

describe('a JSON number where a decimal string is expected', () => {
  it('names the field and shows the fix', () => {
    const snapshot = sampleSnapshot();
    const files = snapshot.files as Record<string, { rules: { event: { params: object } }[] }>;
    files['long-distance.rules.json']!.rules[1]!.event.params = { item: 'LD_MIN', percent: 35 };
    const result = compileRuleSet(snapshot);
    expect(result.ok ? [] : result.problems).toEqual([
      expect.objectContaining({
        file: 'long-distance.rules.json',
        path: 'rules.1.event.params.percent',
        message:
          'percent-off: a decimal is a string in quotes: write "percent": "35", not "percent": 35',
      }),
    ]);
  });
});
