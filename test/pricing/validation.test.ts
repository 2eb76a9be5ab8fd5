import { AppError } from '../../src/errors';
import { priceQuote } from '../../src/pricing/price';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

const ruleSet = fixtureRuleSet();

/** ENT-0001 with some fields replaced (a path like "usagePerLine.dataGB" or "handsets"). */
function requestWith(changes: Record<string, unknown>): Record<string, unknown> {
  const request = structuredClone(workedExample('ENT-0001').request);
  for (const [path, value] of Object.entries(changes)) {
    const keys = path.split('.');
    let target = request as Record<string, unknown>;
    for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
    const last = keys[keys.length - 1] as string;
    if (value === undefined) delete target[last];
    else target[last] = value;
  }
  return request;
}

async function issuesOf(request: unknown): Promise<{ path: string; message: string }[]> {
  try {
    await priceQuote(ruleSet, request);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).kind).toBe('invalid-input');
    // Each issue's path and English message; its localized text is the HTTP tests' concern.
    return ((error as AppError).details.issues ?? []).map(({ path, message }) => ({
      path,
      message,
    }));
  }
  throw new Error('expected the request to be rejected');
}

describe('invalid requests are rejected with the path of every bad field', () => {
  it.each([
    ['a missing field', { lines: undefined }, 'lines', /required/],
    ['negative lines', { lines: -3 }, 'lines', /at least 1/],
    ['fractional lines', { lines: 12.5 }, 'lines', /whole number/],
    ['a comma decimal', { 'usagePerLine.dataGB': '12,5' }, 'usagePerLine.dataGB', /decimal string/],
    ['NaN', { 'usagePerLine.sms': 'NaN' }, 'usagePerLine.sms', /decimal string/],
    [
      'an exponent',
      { 'enterprise.annualSpend': '1e6' },
      'enterprise.annualSpend',
      /decimal string/,
    ],
    [
      'a JSON number for money',
      { 'enterprise.annualSpend': 820000.5 },
      'enterprise.annualSpend',
      /decimal string/,
    ],
    [
      'a negative usage',
      { 'usagePerLine.localMinutes': '-1' },
      'usagePerLine.localMinutes',
      /non-negative/,
    ],
    [
      'an unknown handset model',
      { handsets: [{ model: 'HX-9000', quantity: 1 }] },
      'handsets.0.model',
      /not a handset in the price list/,
    ],
    ['an unknown rating', { 'enterprise.creditRating': 'AAAA' }, 'enterprise.creditRating', /AAA/],
    ['an unknown term', { termMonths: 18 }, 'termMonths', /12, 24, 36/],
    [
      'more handsets than lines',
      { handsets: [{ model: 'HX-5G-PRO', quantity: 121 }] },
      'handsets',
      /at most one handset per line/,
    ],
    ['a misspelt field', { line: 120 }, '(request)', /Unrecognized key.*line/],
    ['an empty name', { 'enterprise.name': '  ' }, 'enterprise.name', /empty/],
  ])('%s', async (_case, changes, path, message) => {
    const issues = await issuesOf(requestWith(changes));
    expect(issues).toEqual(
      expect.arrayContaining([{ path, message: expect.stringMatching(message) }]),
    );
  });

  it('reports every bad field at once, not just the first', async () => {
    const issues = await issuesOf(
      requestWith({
        lines: -3,
        'usagePerLine.dataGB': '12,5',
        'enterprise.creditRating': 'Z',
        handsets: [{ model: 'nope', quantity: 0 }],
      }),
    );
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        'enterprise.creditRating',
        'handsets.0.model',
        'handsets.0.quantity',
        'lines',
        'usagePerLine.dataGB',
      ].sort(),
    );
  });

  it('does not add a handset-total complaint when the line count itself is invalid', async () => {
    expect(await issuesOf(requestWith({ lines: -3 }))).toEqual([
      { path: 'lines', message: 'must be at least 1' },
    ]);
  });

  it('names a missing section as required, not as a type mismatch', async () => {
    expect(await issuesOf(requestWith({ usagePerLine: undefined }))).toEqual([
      { path: 'usagePerLine', message: 'is required' },
    ]);
    expect(await issuesOf(requestWith({ enterprise: 'ACME' }))).toEqual([
      { path: 'enterprise', message: 'must be an object' },
    ]);
  });

  it('rejects a body that is not an object', async () => {
    expect(await issuesOf('quote please')).toEqual([
      { path: '(request)', message: expect.any(String) },
    ]);
    expect(await issuesOf(null)).toHaveLength(1);
  });

  it('accepts decimal strings with fractions and trailing zeros exactly', async () => {
    const quote = await priceQuote(ruleSet, requestWith({ 'usagePerLine.dataGB': '8.50' }));
    expect(quote.eligible && quote.items.find((item) => item.code === 'DATA_GB')?.quantity).toBe(
      '1020',
    );
  });
});

describe('eligibility (§2): refusals are results carrying every reason', () => {
  it.each([
    [{ lines: 9, handsets: [] }, ['a group plan needs at least 10 lines']],
    [{ 'enterprise.creditRating': 'C' }, ['credit rating C is not eligible for a group plan']],
    [{ termMonths: 12 }, ['a handset bundle needs a 24- or 36-month term']],
    [
      {
        lines: 5,
        termMonths: 12,
        'enterprise.creditRating': 'C',
        handsets: [{ model: 'HX-5G-LITE', quantity: 5 }],
      },
      [
        'a group plan needs at least 10 lines',
        'credit rating C is not eligible for a group plan',
        'a handset bundle needs a 24- or 36-month term',
      ],
    ],
  ])('%j is refused', async (changes, reasons) => {
    const quote = await priceQuote(ruleSet, requestWith(changes));
    expect(quote).toEqual({
      eligible: false,
      ruleSetHash: ruleSet.hash,
      reasons,
      refusals: expect.any(Array),
    });
    if (!quote.eligible)
      expect(quote.refusals.map((refusal) => refusal.params.reason)).toEqual(reasons);
  });

  it('prices a 12-month term without handsets and exactly 10 lines: standard, no scale discount or pool', async () => {
    const quote = await priceQuote(
      ruleSet,
      requestWith({ termMonths: 12, handsets: [], lines: 10 }),
    );
    if (!quote.eligible) throw new Error(`refused: ${quote.reasons.join('; ')}`);
    expect(quote).toMatchObject({ tier: 'standard', termMonths: 12, lines: 10 });
    const byCode = Object.fromEntries(quote.items.map((item) => [item.code, item]));
    expect(Object.keys(byCode)).toEqual([
      'LINE_FEE',
      'LOCAL_MIN',
      'GROUP_MIN',
      'LD_MIN',
      'SMS',
      'DATA_GB',
      'CRBT',
    ]);
    // 10 × 38.00, under the 20 lines of the scale discount (C1) and the group-call pool (C2).
    expect(byCode.LINE_FEE).toMatchObject({ quantity: '10', list: '380.00', discount: '0.00' });
    expect(byCode.GROUP_MIN).toMatchObject({ quantity: '2400', list: '240.00', discount: '0.00' });
    // A standard account: 20 % off long distance (C3), the ringback tone at list (C4).
    expect(byCode.LD_MIN).toMatchObject({ list: '180.00', discount: '36.00' });
    expect(byCode.CRBT).toMatchObject({ list: '50.00', discount: '0.00' });
  });
});
