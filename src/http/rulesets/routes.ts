/** /api/rulesets/{hash}: the exact files a quote was priced with. */
import { ERRORS } from '../openapi';
import { defineRoute, type Route } from '../route';
import { ruleSetParams } from './validators';

export const ruleSetRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/rulesets/{hash}',
    operationId: 'getRuleSet',
    summary: 'The exact rule set (rules, prices, costs, tariff) a quote was priced with',
    policy: 'ruleset.read',
    params: ruleSetParams,
    responses: {
      200: { description: 'The rule set', schema: 'RuleSet' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: { description: 'Unknown hash', schema: 'Error' },
    },
    async handler({ params, actor, res, service }) {
      res.json(await service.ruleSetFiles(actor, params.hash));
    },
  }),
];
