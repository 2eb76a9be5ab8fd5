/**
 * Rule cases, run by the pure core: a request and the part of the quote it must price to in, each
 * figure that did not come out (`path`, `expected X, got Y`) out.
 */
import {
  compareQuote,
  evaluationsDisagree,
  ruleCaseFileSchema,
  runRuleCase,
  runRuleCases,
  type CaseFailure,
  type QuoteExpectation,
  type RuleCase,
} from '../../src/pricing/cases';
import { issueMessage } from '../../src/messages/messages';
import { priceQuote } from '../../src/pricing/price';
import { compileRuleSet } from '../../src/rules/compile';
import { fixtureRuleSet, sampleSnapshot } from '../support/rule-set-copy';
import { EXAMPLE_IDS, workedExample } from '../support/tariff-book';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ruleSet = fixtureRuleSet();

/** Failures as the command line prints them: path and English message. */
const english = (failures: readonly CaseFailure[]) =>
  failures.map(({ path, message }) => ({ path, message }));

/** A worked example of the tariff book as a case expecting every figure of its expected file. */
function exampleCase(id: (typeof EXAMPLE_IDS)[number]): RuleCase {
  const { request, expected } = workedExample(id);
  const items = Object.fromEntries(expected.items.map(({ code, ...item }) => [code, item]));
  return {
    name: id,
    description: `tariff book §10, ${id}`,
    request,
    expect: ruleCaseFileSchema.shape.expect.parse({ ...expected, items }),
  };
}

const withExpectation = (expect: QuoteExpectation, id: (typeof EXAMPLE_IDS)[number] = 'ENT-0001') =>
  ({ ...exampleCase(id), expect }) satisfies RuleCase;

describe('a rule case', () => {
  it('passes for each worked example of the tariff book, every figure to the fen', async () => {
    const results = await runRuleCases(ruleSet, EXAMPLE_IDS.map(exampleCase));
    expect(results.map(({ name, passed, failures }) => ({ name, passed, failures }))).toEqual(
      EXAMPLE_IDS.map((name) => ({ name, passed: true, failures: [] })),
    );
  });

  it('names each figure that differs by its path in the quote, with both values', async () => {
    const result = await runRuleCase(
      ruleSet,
      withExpectation({
        tier: 'strategic',
        items: { LD_MIN: { discount: '864.00', net: '1404.00' } },
        totals: { monthlyNet: '13020.00' },
        internal: { approval: 'finance-director' },
      }),
    );
    expect(result.passed).toBe(false);
    expect(english(result.failures)).toEqual([
      { path: 'tier', message: 'expected strategic, got key' },
      { path: 'items.LD_MIN.discount', message: 'expected 864.00, got 756.00' },
      { path: 'totals.monthlyNet', message: 'expected 13020.00, got 13128.00' },
      { path: 'internal.approval', message: 'expected finance-director, got auto' },
    ]);
  });

  it('words each failure in Chinese for the rule-set pages, the same in English as printed', async () => {
    const result = await runRuleCase(
      ruleSet,
      withExpectation({
        tier: 'strategic',
        items: { CRBT: null, 'HX-5G-LITE': { quantity: '5' } },
      }),
    );
    const words = result.failures.map((failure) => issueMessage(failure, 'zh-CN'));
    expect(words).toEqual([
      '应为 strategic，实际为 key',
      '应没有此项，实际有',
      '应有此项，实际没有',
    ]);
    expect(result.failures.map((failure) => issueMessage(failure, 'en'))).toEqual(
      result.failures.map((failure) => failure.message),
    );
    const refused = await runRuleCase(ruleSet, withExpectation({ eligible: false }));
    expect(issueMessage(refused.failures[0]!, 'zh-CN')).toBe(
      '应被拒绝报价，实际可以报价（客户分级 key）',
    );
  });

  it('compares decimals by value: "756" is 756.00', async () => {
    const result = await runRuleCase(
      ruleSet,
      withExpectation({ items: { LD_MIN: { discount: '756', quantity: '7200.000' } } }),
    );
    expect(english(result.failures)).toEqual([]);
  });

  it('says whether an item is on the quote: null expects none', async () => {
    const result = await runRuleCase(
      ruleSet,
      withExpectation({ items: { CRBT: null, 'HX-5G-LITE': { quantity: '5' } } }),
    );
    expect(english(result.failures)).toEqual([
      { path: 'items.CRBT', message: 'expected none, got one' },
      { path: 'items.HX-5G-LITE', message: 'expected one, got none' },
    ]);
  });

  it('expects a refusal by its reasons, in any order', async () => {
    const refused = {
      ...exampleCase('ENT-0002'),
      request: { ...workedExample('ENT-0002').request, lines: 5 },
    };
    const reasons = ['a group plan needs at least 10 lines'];
    expect((await runRuleCase(ruleSet, { ...refused, expect: { reasons } })).failures).toEqual([]);
    expect(
      english(
        (await runRuleCase(ruleSet, { ...refused, expect: { reasons: ['something else'] } }))
          .failures,
      ),
    ).toEqual([
      {
        path: 'reasons',
        message: 'expected ["something else"], got ["a group plan needs at least 10 lines"]',
      },
    ]);
    expect(
      english((await runRuleCase(ruleSet, { ...refused, expect: { tier: 'standard' } })).failures),
    ).toEqual([
      {
        path: 'eligible',
        message: 'expected true, got false (a group plan needs at least 10 lines)',
      },
    ]);
    expect(
      english((await runRuleCase(ruleSet, withExpectation({ eligible: false }))).failures),
    ).toEqual([{ path: 'eligible', message: 'expected false, got true (tier key)' }]);
  });

  it('fails with each bad field of its request, under request.', async () => {
    const result = await runRuleCase(ruleSet, {
      ...exampleCase('ENT-0001'),
      request: { ...workedExample('ENT-0001').request, lines: -3, termMonths: 18 },
    });
    expect(result.passed).toBe(false);
    expect(result.failures.map((failure) => failure.path).sort()).toEqual([
      'request.lines',
      'request.termMonths',
    ]);
    expect(result.quote).toBeUndefined();
  });

  it('fails, naming both rules, when two rules decide one thing', async () => {
    const snapshot = sampleSnapshot();
    (snapshot.files as Json)['tiers.rules.json'].rules[1].conditions.all.shift();
    const compiled = compileRuleSet(snapshot);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const result = await runRuleCase(compiled.ruleSet, exampleCase('ENT-0003'));
    expect(english(result.failures)).toEqual([
      {
        path: '(pricing)',
        message: expect.stringMatching(/tier-strategic and tier-key both decide tier/),
      },
    ]);
  });

  it('is priced on its quote date, which decides the dated rules', async () => {
    const snapshot = sampleSnapshot();
    const longDistance = (snapshot.files as Json)['long-distance.rules.json'].rules;
    longDistance.find((rule: Json) => rule.name === 'long-distance-key').validFrom = '2027-01-01';
    const compiled = compileRuleSet(snapshot);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const on = (quoteDate: string | undefined, discount: string) =>
      runRuleCase(compiled.ruleSet, {
        ...withExpectation({ items: { LD_MIN: { discount } } }),
        ...(quoteDate ? { quoteDate } : {}),
      });
    expect((await on('2026-12-31', '0.00')).failures).toEqual([]);
    expect((await on('2027-01-01', '756.00')).failures).toEqual([]);
    expect(english((await on(undefined, '756.00')).failures)).toEqual([
      { path: 'quoteDate', message: expect.stringMatching(/^is required/) },
    ]);
  });

  it('checks nothing it does not name: an empty expectation passes any quote', async () => {
    const quote = await priceQuote(ruleSet, workedExample('ENT-0003').request);
    expect(compareQuote({}, quote)).toEqual([]);
  });
});

describe('a rule case, priced both by the compiled rules and by json-rules-engine', () => {
  it('prices every worked example alike both ways, to the explanations', async () => {
    for (const id of EXAMPLE_IDS) {
      const { request } = workedExample(id);
      const compiled = await priceQuote(ruleSet, request);
      const reference = await priceQuote(ruleSet, request, { referenceEngine: true });
      expect(reference).toEqual(compiled);
      expect(evaluationsDisagree({ quote: compiled }, { quote: reference })).toEqual([]);
    }
  });

  it('fails a case the two price differently, at the first figure where they part', async () => {
    const quote = await priceQuote(ruleSet, workedExample('ENT-0001').request);
    if (!quote.eligible) throw new Error('ENT-0001 is priced');
    const parted = structuredClone(quote);
    parted.totals.monthlyNet = '13020.00';
    const failures = evaluationsDisagree({ quote }, { quote: parted });
    expect(english(failures)).toEqual([
      {
        path: '(evaluation)',
        message:
          'the compiled rules and json-rules-engine price this case differently at totals.monthlyNet: 13128.00 against 13020.00',
      },
    ]);
    expect(issueMessage(failures[0]!, 'zh-CN')).toBe(
      '编译后的规则与 json-rules-engine 对此用例的定价在 totals.monthlyNet 处不一致：13128.00，参照为 13020.00',
    );
  });

  it('fails a case one of them prices and the other refuses to, or that they refuse differently', async () => {
    const quote = await priceQuote(ruleSet, workedExample('ENT-0001').request);
    const [failure] = evaluationsDisagree({ quote }, { error: new Error('no tier') });
    expect(failure?.path).toBe('(evaluation)');
    expect(failure?.message).toMatch(/differently at eligible: true against nothing/);
    expect(
      english(
        evaluationsDisagree({ error: new Error('rules a and b') }, { error: new Error('rules a') }),
      ),
    ).toEqual([
      {
        path: '(evaluation)',
        message:
          'the compiled rules and json-rules-engine price this case differently at error: rules a and b against rules a',
      },
    ]);
    expect(evaluationsDisagree({ error: new Error('same') }, { error: new Error('same') })).toEqual(
      [],
    );
  });
});

describe('a case file', () => {
  const file = (expect: unknown) => ({
    description: 'x',
    request: workedExample('ENT-0001').request,
    expect,
  });
  const problems = (content: unknown) =>
    ruleCaseFileSchema.safeParse(content).error?.issues.map((issue) => issue.path.join('.'));

  it('accepts any part of the quote in its own shape', () => {
    expect(
      problems(
        file({
          tier: 'key',
          items: { LINE_FEE: { net: '4104.00' }, CRBT: null },
          totals: { monthlyNet: '13128.00' },
          benefits: { monthlyPoints: '19692' },
          internal: { marginPct: '54.65', approval: 'auto' },
        }),
      ),
    ).toBeUndefined();
    expect(problems({ ...file({}), quoteDate: '2026-12-31' })).toBeUndefined();
  });

  it('rejects a figure the quote does not have, a number for a decimal, a bad date', () => {
    expect(problems(file({ totals: { monthlNet: '1.00' } }))).toEqual(['expect.totals']);
    expect(problems(file({ items: { LINE_FEE: { net: 4104 } } }))).toEqual([
      'expect.items.LINE_FEE.net',
    ]);
    expect(problems({ ...file({}), quoteDate: '2026-02-30' })).toEqual(['quoteDate']);
    expect(problems({ ...file({}), name: 'x' })).toEqual(['']);
  });

  it('rejects a refusal that also expects figures', () => {
    expect(problems(file({ reasons: ['x'], tier: 'key' }))).toEqual(['expect']);
  });
});
