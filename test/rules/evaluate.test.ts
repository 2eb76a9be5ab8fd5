/**
 * The evaluation every quote runs (src/rules/evaluate.ts) against json-rules-engine itself
 * (`runPhaseOnEngine`, a fresh Engine per evaluation): the same rules fire, in the same order,
 * with the same explanations (params, and what each condition saw and whether it passed), or both
 * stop with the same error. On the fixture tariff and a draft of it over generated requests, and on
 * generated rules: any nesting of all / any / not, every operator, paths, a derived tier read by
 * rules of lower priority and by its own setters, several rules of one priority, empty groups,
 * and a fact the evaluation was not given.
 */
import fc from 'fast-check';
import { requestFacts } from '../../src/pricing/price';
import type { CompiledRule, RuleSet } from '../../src/rules/compile';
import { runPhase, runPhaseOnEngine, type Firing } from '../../src/rules/engine';
import type { ConditionNode, LeafCondition, TopLevelCondition } from '../../src/rules/files';
import type { Phase } from '../../src/rules/facts';
import { parseQuoteRequest } from '../../src/rules/request';
import { draftRuleSet } from '../impact/support';
import { eligibleRequest, propertyRuns } from '../support/arbitraries';
import { fixtureRuleSet } from '../support/rule-set-copy';

const RUNS = propertyRuns(200);
const fixture = fixtureRuleSet();
const draft = draftRuleSet();

type Outcome = { fired: Pick<Firing, 'applied' | 'event'>[] } | { error: string };

async function outcome(run: Promise<Firing[]>): Promise<Outcome> {
  return run.then(
    (firings) => ({ fired: firings.map(({ applied, event }) => ({ applied, event })) }),
    (error: unknown) => ({ error: (error as Error).message }),
  );
}

async function bothAgree(
  ruleSet: RuleSet,
  phase: Phase,
  facts: Record<string, unknown>,
  quoteDate?: string,
): Promise<Outcome> {
  const compiled = await outcome(runPhase(ruleSet, phase, facts, quoteDate));
  const reference = await outcome(runPhaseOnEngine(ruleSet, phase, facts, quoteDate));
  expect(compiled).toEqual(reference);
  return compiled;
}

/** A request's offer facts, with a credit rating §2 refuses now and then. */
const offerFacts = fc.tuple(eligibleRequest, fc.constantFrom('AAA', 'AA', 'A', 'B', 'C')).map(
  ([request, creditRating]) =>
    (ruleSet: RuleSet) =>
      requestFacts(
        ruleSet,
        parseQuoteRequest(ruleSet.requestSchema, {
          ...request,
          enterprise: { ...request.enterprise, creditRating },
        }),
        { quoteDate: '2026-12-01' },
      ),
);

const money = fc
  .tuple(fc.integer({ min: -500_000, max: 5_000_000 }), fc.integer({ min: 0, max: 99 }))
  .map(([whole, fen]) => `${whole}.${String(fen).padStart(2, '0')}`);

const approvalFacts = fc
  .record({
    tier: fc.constantFrom('strategic', 'key', 'standard'),
    monthlyNet: money,
    contractValue: money,
    revenueExclTax: money,
    totalCost: money,
    margin: money,
    marginPct: fc.integer({ min: -10_000, max: 10_000 }).map((hundredths) => {
      const sign = hundredths < 0 ? '-' : '';
      const size = Math.abs(hundredths);
      return `${sign}${Math.floor(size / 100)}.${String(size % 100).padStart(2, '0')}`;
    }),
    negotiatedPercent: fc.constantFrom('0', '5', '12.5', '40'),
  })
  .map((approval) => (offer: Record<string, unknown>) => ({ ...offer, ...approval }));

describe('the evaluation agrees with json-rules-engine', () => {
  it.each([
    ['the fixture tariff', fixture],
    ['a draft of it', draft],
  ])('on %s, both phases, over generated requests', async (_name, ruleSet) => {
    await fc.assert(
      fc.asyncProperty(offerFacts, approvalFacts, async (offer, approval) => {
        const facts = offer(ruleSet);
        await bothAgree(ruleSet, 'offer', facts, '2026-12-01');
        await bothAgree(ruleSet, 'approval', approval(facts), '2026-12-01');
      }),
      { numRuns: RUNS },
    );
  });

  it('on generated rules, conditions and priorities', async () => {
    await fc.assert(
      fc.asyncProperty(generatedPhase, offerFacts, async (phase, offer) => {
        const ruleSet: RuleSet = {
          ...fixture,
          rulesByPhase: { ...fixture.rulesByPhase, offer: phase },
        };
        await bothAgree(ruleSet, 'offer', offer(ruleSet), '2026-12-01');
      }),
      { numRuns: RUNS },
    );
  });

  it('including a rule that fires, fails and throws', async () => {
    // Guards the property above against generating nothing that fires or nothing that fails.
    const leaf = (value: string): LeafCondition => ({
      fact: 'lines',
      operator: 'decimalGreaterThanInclusive',
      value,
    });
    const rules = [
      rule(template.other, 'fires', 5, { all: [leaf('0')] }, 0),
      rule(template.other, 'fails', 5, { all: [leaf('1000000000')] }, 1),
    ];
    const ruleSet = { ...fixture, rulesByPhase: { ...fixture.rulesByPhase, offer: rules } };
    const facts = (await fc.sample(offerFacts, { numRuns: 1, seed: 1 }))[0]!(ruleSet);
    expect(await bothAgree(ruleSet, 'offer', facts)).toMatchObject({
      fired: [{ applied: { rule: 'fires' } }],
    });
    const throwing = [
      rule(template.other, 'reads-nothing', 5, { all: [{ ...leaf('1'), fact: 'nosuch' }] }, 0),
    ];
    expect(
      await bothAgree(
        { ...fixture, rulesByPhase: { ...fixture.rulesByPhase, offer: throwing } },
        'offer',
        facts,
      ),
    ).toEqual({ error: 'Undefined fact: nosuch' });
  });
});

describe('each operator, either way, as json-rules-engine decides it', () => {
  // The properties above draw operators at random; these pin each one on a value that passes and
  // one that fails, so a comparison turned constant is caught on any budget.
  const request = fc.sample(eligibleRequest, { numRuns: 1, seed: 7 })[0]!;
  const facts = (creditRating: string) =>
    requestFacts(
      fixture,
      parseQuoteRequest(fixture.requestSchema, {
        ...request,
        enterprise: { ...request.enterprise, creditRating },
      }),
      { quoteDate: '2026-12-01' },
    );
  const leaf = (operator: string, value: unknown, path = '$.creditRating'): LeafCondition =>
    ({ fact: 'enterprise', path, operator, value }) as LeafCondition;

  it.each([
    ['equal', 'AAA', true],
    ['equal', 'AA', false],
    ['notEqual', 'AA', true],
    ['notEqual', 'AAA', false],
    ['in', ['AAA', 'AA'], true],
    ['in', ['B', 'C'], false],
    ['notIn', ['B', 'C'], true],
    ['notIn', ['AAA'], false],
  ] as const)('%s %j on a credit rating of AAA fires: %s', async (operator, value, fires) => {
    const rules = [rule(template.other, 'under-test', 5, { all: [leaf(operator, value)] }, 0)];
    const ruleSet = { ...fixture, rulesByPhase: { ...fixture.rulesByPhase, offer: rules } };
    const result = await bothAgree(ruleSet, 'offer', facts('AAA'), '2026-12-01');
    expect(result).toEqual({ fired: fires ? [expect.anything()] : [] });
  });

  it('any fires when one of its conditions passes, and not when none does', async () => {
    const anyOf = (...values: string[]) => ({ any: values.map((value) => leaf('equal', value)) });
    for (const [condition, fires] of [
      [anyOf('C', 'AAA'), true],
      [anyOf('C', 'B'), false],
    ] as const) {
      const rules = [rule(template.other, 'under-test', 5, condition, 0)];
      const ruleSet = { ...fixture, rulesByPhase: { ...fixture.rulesByPhase, offer: rules } };
      const result = await bothAgree(ruleSet, 'offer', facts('AAA'), '2026-12-01');
      expect(result).toEqual({ fired: fires ? [expect.anything()] : [] });
    }
  });
});

describe('a derived tier, by priority, as json-rules-engine sees it', () => {
  const request = fc.sample(eligibleRequest, { numRuns: 1, seed: 7 })[0]!;
  const facts = () =>
    requestFacts(fixture, parseQuoteRequest(fixture.requestSchema, request), {
      quoteDate: '2026-12-01',
    });

  it('is seen from the next priority on, and by every priority after that, but not by its own', async () => {
    const setter = template.setters[0]!;
    const tier = setter.prepared.derives!.tier;
    const readsTier: TopLevelCondition = {
      all: [{ fact: 'tier', operator: 'equal', value: tier as string }],
    };
    const rules = [
      rule(setter, 'sets-tier', 10, { all: [] }, 0),
      rule(template.other, 'same-priority', 10, readsTier, 1),
      rule(template.other, 'next-priority', 7, readsTier, 2),
      rule(template.other, 'unrelated', 6, { all: [] }, 3),
      rule(template.other, 'two-priorities-on', 5, readsTier, 4),
      rule(
        template.other,
        'no-tier-yet',
        5,
        { all: [{ fact: 'tier', operator: 'equal', value: null }] },
        5,
      ),
    ];
    const ruleSet = { ...fixture, rulesByPhase: { ...fixture.rulesByPhase, offer: rules } };
    const before = facts();
    const result = await bothAgree(ruleSet, 'offer', before, '2026-12-01');
    expect(result).toEqual({
      fired: ['sets-tier', 'next-priority', 'unrelated', 'two-priorities-on'].map((name) => ({
        applied: expect.objectContaining({ rule: name }),
        event: expect.anything(),
      })),
    });
    expect(before.tier).toBeNull();
  });

  it('reads a field of an object fact by its path, and shows the path in the explanation', async () => {
    const leaf: LeafCondition = {
      fact: 'enterprise',
      path: '$.purchasing',
      operator: 'equal',
      value: request.enterprise.purchasing,
    };
    const rules = [rule(template.other, 'by-path', 5, { all: [leaf] }, 0)];
    const ruleSet = { ...fixture, rulesByPhase: { ...fixture.rulesByPhase, offer: rules } };
    const result = await bothAgree(ruleSet, 'offer', facts(), '2026-12-01');
    expect(result).toEqual({
      fired: [
        {
          applied: expect.objectContaining({
            conditions: [
              {
                fact: 'enterprise.purchasing',
                operator: 'equal',
                value: request.enterprise.purchasing,
                saw: request.enterprise.purchasing,
                passed: true,
              },
            ],
          }),
          event: expect.anything(),
        },
      ],
    });
  });
});

/** A rule of the fixture tariff for each kind: tier setters (one per tier) and any other. */
const template = (() => {
  const offer = fixture.rulesByPhase.offer;
  const setters = offer.filter((rule) => rule.prepared.derives?.tier !== undefined);
  const other = offer.find((rule) => rule.prepared.derives === undefined && !rule.prepared.decides);
  if (setters.length === 0 || !other) throw new Error('the fixture tariff has changed');
  return { setters, other };
})();

function rule(
  from: CompiledRule,
  name: string,
  priority: number,
  conditions: TopLevelCondition,
  order: number,
): CompiledRule {
  return { ...from, name, priority, conditions, order };
}

const leafOf = (reads: fc.Arbitrary<string>): fc.Arbitrary<LeafCondition> =>
  fc.oneof(
    fc.record({
      fact: fc.constantFrom('lines', 'termMonths', 'handsetCount'),
      operator: fc.constantFrom(
        'decimalEqual',
        'decimalNotEqual',
        'decimalLessThan',
        'decimalLessThanInclusive',
        'decimalGreaterThan',
        'decimalGreaterThanInclusive',
      ),
      value: fc.constantFrom('0', '12', '24', '99.5', '100', '500'),
    }),
    fc.record({
      fact: fc.constant('enterprise'),
      path: fc.constantFrom('$.creditRating', '$creditRating', 'purchasing', '$.nosuchfield'),
      operator: fc.constantFrom('equal', 'notEqual'),
      value: fc.constantFrom('AAA', 'AA', 'C', 'centralized', null),
    }),
    fc.record({
      fact: fc.constant('enterprise'),
      path: fc.constant('$.creditRating'),
      operator: fc.constantFrom('in', 'notIn'),
      value: fc.constantFrom(['AAA', 'AA'], ['B', 'C'], []),
    }),
    fc.record({
      fact: fc.constant('enterprise'),
      path: fc.constant('$.annualSpend'),
      operator: fc.constantFrom('decimalGreaterThanInclusive', 'decimalLessThan'),
      value: fc.constantFrom('500000', '1000000.00'),
    }),
    // A path on a fact that is no object reads the fact itself, as json-rules-engine does.
    fc.record({
      fact: fc.constant('lines'),
      path: fc.constant('$.count'),
      operator: fc.constant('decimalGreaterThan'),
      value: fc.constant('50'),
    }),
    fc.record({
      fact: fc.constant('ringbackTone'),
      operator: fc.constantFrom('equal', 'notEqual'),
      value: fc.boolean(),
    }),
    fc
      .record({
        fact: reads,
        operator: fc.constantFrom('equal', 'notEqual', 'in', 'notIn'),
        value: fc.constantFrom(null, 'key', 'standard'),
      })
      .map((leaf) =>
        leaf.operator === 'in' || leaf.operator === 'notIn'
          ? { ...leaf, value: [leaf.value] }
          : leaf,
      ),
  ) as fc.Arbitrary<LeafCondition>;

function conditionTree(reads: fc.Arbitrary<string>): fc.Arbitrary<TopLevelCondition> {
  const { node } = fc.letrec<{ node: ConditionNode }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leafOf(reads),
      fc.array(tie('node'), { maxLength: 3 }).map((all) => ({ all })),
      fc.array(tie('node'), { maxLength: 3 }).map((any) => ({ any })),
      tie('node').map((not) => ({ not })),
    ),
  }));
  return fc.oneof(
    fc.array(node, { maxLength: 4 }).map((all) => ({ all })),
    fc.array(node, { maxLength: 4 }).map((any) => ({ any })),
    node.map((not) => ({ not })),
  );
}

/**
 * A phase as compile would accept it for the tier: each setter at a priority of its own, above
 * every rule that reads the tier without setting it; a setter may read it too. Now and then a
 * rule reads a fact the evaluation has not got.
 */
const generatedPhase: fc.Arbitrary<CompiledRule[]> = fc
  .tuple(
    fc.array(
      fc.tuple(fc.nat({ max: template.setters.length - 1 }), conditionTree(fc.constant('tier'))),
      { maxLength: 3 },
    ),
    fc.array(
      fc.tuple(
        fc.integer({ min: 1, max: 3 }),
        conditionTree(fc.constantFrom('tier', 'tier', 'tier', 'nosuchfact')),
      ),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map(([setters, others]) => {
    const rules = [
      ...setters.map(([which, conditions], index) =>
        rule(template.setters[which]!, `setter-${index}`, 100 - index * 10, conditions, 0),
      ),
      ...others.map(([priority, conditions], index) =>
        rule(template.other, `rule-${index}`, priority, conditions, 0),
      ),
    ];
    // File order is not priority order, as in a rule set of several files.
    return rules.reverse().map((entry, order) => ({ ...entry, order }));
  });
