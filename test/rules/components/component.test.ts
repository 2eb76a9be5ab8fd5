/**
 * What every component is made of (src/rules/components/component.ts): the stage it runs in and
 * its phase, a per-evaluation slot for terms one stage leaves another, and prepare(), which parses
 * params once and queues the effect for its stage at every firing.
 */
import { AppError } from '../../../src/errors';
import {
  componentFor,
  emptyQueues,
  Evaluation,
  phaseOf,
  Slot,
  STAGES,
  type ItemContext,
  type PreparedEvent,
} from '../../../src/rules/components';
import type { AppliedRule } from '../../../src/rules/explanation';

const because = (rule: string): AppliedRule => ({
  rule,
  component: 'percent-off',
  params: {},
  conditions: [],
});

function prepared(code: string, params: unknown): PreparedEvent {
  const result = componentFor(code)!.prepare(params);
  if (!result.success) throw new Error(result.error.message);
  return result.event;
}

describe('stages', () => {
  it('run in this order, and only approval reads the priced margin', () => {
    expect(STAGES).toEqual(['decide', 'item', 'bill', 'benefit', 'approve']);
    expect(STAGES.map(phaseOf)).toEqual(['offer', 'offer', 'offer', 'offer', 'approval']);
    expect(emptyQueues()).toEqual({ decide: [], item: [], bill: [], benefit: [], approve: [] });
  });
});

describe('a slot', () => {
  it('keeps one value per evaluation, and says who must fill it when nobody did', () => {
    const slot = new Slot<string>('overdraft-terms');
    const first = new Evaluation();
    const second = new Evaluation();
    slot.set(first, 'terms of the first');
    expect(slot.get(first)).toBe('terms of the first');
    expect(slot.get(second)).toBeUndefined();
    expect(slot.require(first, 'rule x sets an overdraft multiple')).toBe('terms of the first');
    let thrown: unknown;
    try {
      slot.require(second, 'rule x sets an overdraft multiple');
    } catch (error) {
      thrown = error;
    }
    // A rule-set defect (the tariff's, answered as such), not the request's.
    expect(thrown).toBeInstanceOf(AppError);
    expect(thrown).toMatchObject({
      kind: 'rule-set',
      message: 'rule x sets an overdraft multiple but no overdraft-terms rule applies',
    });
    expect(slot.filledBy).toBe('overdraft-terms');
  });
});

describe('prepare', () => {
  it('refuses params the component does not take, with zod’s issues', () => {
    const result = componentFor('points-terms')!.prepare({
      pointValue: 1,
      redemptionPercent: '60',
    });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(result.error.issues.map((issue) => issue.path)).toEqual([['pointValue']]);
  });

  it('says what a component decides and derives, and nothing for one that does neither', () => {
    const tier = prepared('assign-tier', { tier: 'key' });
    expect([tier.decides, tier.derives]).toEqual(['tier', { tier: 'key' }]);
    const pool = prepared('free-usage-pool', { item: 'GROUP_MIN', unlimited: true });
    expect([pool.decides, pool.derives]).toEqual(['free-usage-pool:GROUP_MIN', undefined]);
    const percentOff = prepared('percent-off', { item: 'SMS', percent: '5' });
    expect([percentOff.decides, percentOff.derives]).toEqual([undefined, undefined]);
    expect(
      percentOff.check({
        tiers: [],
        itemCodes: new Set(['SMS']),
        categories: new Set(),
        usageItemCodes: new Set(),
      }),
    ).toEqual([]);
    const refuse = prepared('refuse', { reason: 'no' });
    expect(
      refuse.check({
        tiers: [],
        itemCodes: new Set(),
        categories: new Set(),
        usageItemCodes: new Set(),
      }),
    ).toEqual([]);
  });

  it('queues the effect for its own stage at every firing, with the params it parsed', () => {
    const event = prepared('percent-off', { category: 'usage', percent: '12.5' });
    const queues = emptyQueues();
    event.enqueue(queues, because('first'));
    event.enqueue(queues, because('second'));
    expect(queues.item).toHaveLength(2);
    expect([queues.decide, queues.bill, queues.benefit, queues.approve]).toEqual([[], [], [], []]);
    const taken: [string, string, string][] = [];
    const item = (code: string, category: string) => ({
      code,
      category,
      quantity: undefined as never,
      giveFree: () => undefined,
      takePercentOff: (points: { toFixed(): string }, applied: AppliedRule) =>
        taken.push([code, points.toFixed(), applied.rule]),
    });
    const context = {
      evaluation: new Evaluation(),
      lines: undefined as never,
      items: [item('SMS', 'usage'), item('LINE_FEE', 'plan')],
    } as unknown as ItemContext;
    for (const effect of queues.item) effect(context);
    expect(taken).toEqual([
      ['SMS', '12.5', 'first'],
      ['SMS', '12.5', 'second'],
    ]);
  });
});
