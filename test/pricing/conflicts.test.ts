/**
 * A contradiction the rule files allow but a request reaches is a rule conflict naming the rules
 * (HTTP 422), not a server defect: more than 100 % off one item, or a benefit granted twice.
 */
import { AppError } from '../../src/errors';
import { priceQuote } from '../../src/pricing/price';
import { compileRuleSet } from '../../src/rules/compile';
import { fixtureRuleSet, sampleSnapshot } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function conflictAfter(edit: (files: Json) => void): Promise<AppError> {
  const snapshot = sampleSnapshot();
  edit(snapshot.files as Json);
  const compiled = compileRuleSet(snapshot);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  try {
    await priceQuote(compiled.ruleSet, workedExample('ENT-0001').request);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a conflict');
}

const always = (name: string, event: Json) => ({
  name,
  priority: 5,
  conditions: { all: [] },
  event,
});

describe('rule conflicts at pricing time', () => {
  it('percent-off rules that together pass 100 % on one item', async () => {
    const error = await conflictAfter((files) => {
      files['extra.rules.json'] = {
        phase: 'offer',
        rules: [
          always('sms-half', { type: 'percent-off', params: { item: 'SMS', percent: '50' } }),
          always('sms-more', { type: 'percent-off', params: { item: 'SMS', percent: '50.01' } }),
        ],
      };
    });
    expect(error.kind).toBe('rule-conflict');
    expect(error.message).toBe(
      'rules sms-half, sms-more together take 100.01 % off SMS, more than 100 %',
    );
    expect(error.details.rules).toEqual(['sms-half', 'sms-more']);
  });

  it('exactly 100 % is a free item, not a conflict', async () => {
    const snapshot = sampleSnapshot();
    (snapshot.files as Json)['extra.rules.json'] = {
      phase: 'offer',
      rules: [
        always('sms-half', { type: 'percent-off', params: { item: 'SMS', percent: '50' } }),
        always('sms-rest', { type: 'percent-off', params: { item: 'SMS', percent: '50' } }),
      ],
    };
    const compiled = compileRuleSet(snapshot);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const quote = await priceQuote(compiled.ruleSet, workedExample('ENT-0001').request);
    if (!quote.eligible) throw new Error('expected a price');
    expect(quote.items.find((item) => item.code === 'SMS')).toMatchObject({
      list: '360.00',
      discount: '360.00',
      net: '0.00',
    });
  });

  // ENT-0001 is a key account rated AA: overdraft-aa and points-key apply to it.
  it.each([
    ['overdraft-multiple', 'overdraft-aa', { multiple: '1', defaultProbabilityPercent: '1' }],
    ['points-multiplier', 'points-key', { multiplier: '3' }],
    [
      'overdraft-terms',
      'overdraft-terms',
      { roundDownTo: '100.00', cap: '1000.00', lossGivenDefaultPercent: '45' },
    ],
    ['points-terms', 'points-terms', { pointValue: '0.02', redemptionPercent: '60' }],
  ])(
    'a second %s rule that applies stops the quote, naming both rules and what they decide',
    async (component, first, params) => {
      const error = await conflictAfter((files) => {
        files['extra.rules.json'] = {
          phase: 'offer',
          rules: [always('for-everyone', { type: component, params })],
        };
      });
      expect(error).toMatchObject({
        kind: 'rule-conflict',
        message: `rules ${first} and for-everyone both decide ${component} for this request; make their conditions exclusive`,
        details: { rules: [first, 'for-everyone'] },
      });
    },
  );

  it('a second approval-level rule that applies stops the quote, naming both rules and what they decide', async () => {
    const quote = await priceQuote(fixtureRuleSet(), workedExample('ENT-0001').request);
    if (!quote.eligible) throw new Error('expected ENT-0001 to price');
    const [first] = quote.internal.approvalRules.map((applied) => applied.rule);
    const error = await conflictAfter((files) => {
      files['extra.rules.json'] = {
        phase: 'approval',
        rules: [always('for-everyone', { type: 'approval-level', params: { level: 'auto' } })],
      };
    });
    expect(error).toMatchObject({
      kind: 'rule-conflict',
      message: `rules ${first} and for-everyone both decide approval-level for this request; make their conditions exclusive`,
      details: { rules: [first, 'for-everyone'] },
    });
  });
});
