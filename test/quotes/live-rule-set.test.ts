/**
 * A request is priced by the rule set live when its pricing starts, to the end: a publication
 * that lands while it is being priced changes neither its rules, its hash nor its validity.
 */
import { QuoteService, type RuleSetSource } from '../../src/quotes/service';
import { openStore, type Store } from '../../src/store';
import { editedRuleSet, REQUESTS } from '../http/support';
import { fixtureRuleSet } from '../support/rule-set-copy';

let store: Store;
beforeAll(async () => {
  store = await openStore({ sqlitePath: ':memory:' });
});
afterAll(() => store.close());

test('a publication during pricing leaves the request on the set it started with', async () => {
  const started = fixtureRuleSet();
  const published = editedRuleSet('tariff.json', '"validityDays": 30', '"validityDays": 45');
  let live = started;
  let publishOnNextLook = false;
  // Armed, the set is published the moment the service looks: every later look sees the new one.
  const source: RuleSetSource = {
    current: () => {
      const seen = live;
      if (publishOnNextLook) [live, publishOnNextLook] = [published, false];
      return seen;
    },
  };
  const service = new QuoteService({ store, ruleSet: source });
  publishOnNextLook = true;
  const preview = await service.preview({ id: 'pm', role: 'pricing-manager' }, REQUESTS.ENT0001());
  expect(preview).toMatchObject({ ruleSetHash: started.hash, validityDays: 30 });
  // The next request gets the new set.
  const next = await service.preview({ id: 'pm', role: 'pricing-manager' }, REQUESTS.ENT0001());
  expect(next).toMatchObject({ ruleSetHash: published.hash, validityDays: 45 });
});
