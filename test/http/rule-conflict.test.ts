/**
 * A contradiction in the tariff that reaches pricing (two rules decide one overdraft multiple
 * for this request) is the tariff's defect, answered 422 with the rules' names — never a 500, which
 * would send an account manager to the operations team. `quote rules validate` finds it first.
 */
import { workedExample } from '../support/tariff-book';
import { editedRuleSet, startTestService, type TestService } from './support';

describe('a rule conflict at pricing time', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({
      // overdraft-aa now also claims AAA, which ENT-0003 is.
      ruleSet: editedRuleSet('overdraft.rules.json', '"value": "AA" }', '"value": "AAA" }'),
    });
  });
  afterAll(async () => {
    await service.close();
  });

  it.each(['/api/quotes/preview', '/api/quotes'])(
    'POST %s → 422 naming both rules',
    async (path) => {
      const response = await service.call('POST', path, {
        as: 'am1',
        body: workedExample('ENT-0003').request,
      });
      expect(response.status).toBe(422);
      expect(response.body.error).toMatchObject({
        kind: 'rule-conflict',
        rules: ['overdraft-aaa', 'overdraft-aa'],
        message: expect.stringMatching(
          /overdraft-aaa and overdraft-aa both decide overdraft-multiple/,
        ),
      });
    },
  );

  it('a request the conflict does not touch is priced as usual', async () => {
    const response = await service.call('POST', '/api/quotes/preview', {
      as: 'am1',
      body: workedExample('ENT-0001').request,
    });
    expect(response.status).toBe(200);
  });
});
