/**
 * /api/rulesets/{hash}/impact and /api/rulesets/impact-runs: start an impact analysis of a stored
 * rule set against the live one (or another), poll its progress, fetch what it found (issue 13).
 */
import { ERRORS } from '../openapi';
import { defineRoute, type Route } from '../route';
import { writeImpactCsv } from '../../impact/csv';
import {
  impactResultQuery,
  impactRunParams,
  impactStartBody,
  impactStartParams,
} from './validators';

const UNKNOWN_RUN = { description: 'No impact analysis with this id', schema: 'Error' } as const;

export const impactRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/rulesets/{hash}/impact',
    operationId: 'startImpactAnalysis',
    summary:
      'Start re-pricing every enterprise’s latest stored request under this rule set and the live one (or another) in the background; poll the run it answers',
    policy: 'impact.run',
    params: impactStartParams,
    body: impactStartBody,
    responses: {
      201: { description: 'The run, started (Location: where to poll it)', schema: 'ImpactRun' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: { description: 'A rule set that is not in the store', schema: 'Error' },
    },
    async handler({ params, body, actor, res, impact }) {
      const run = await impact.start(actor, params.hash, body);
      res.status(201).location(`/api/rulesets/impact-runs/${run.id}`).json(run);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/rulesets/impact-runs/{id}',
    operationId: 'getImpactRun',
    summary: 'An impact analysis’s state and progress: enterprises priced of the portfolio',
    policy: 'impact.read',
    params: impactRunParams,
    responses: {
      200: { description: 'The run', schema: 'ImpactRun' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: UNKNOWN_RUN,
    },
    async handler({ params, actor, res, impact }) {
      res.json(impact.run(actor, params.id));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/rulesets/impact-runs/{id}/result',
    operationId: 'getImpactResult',
    summary:
      'What an impact analysis found: the summary (changes, exact revenue and margin deltas, approval migration, biggest movers) and every enterprise’s row, as JSON or Excel-safe CSV',
    policy: 'impact.read',
    params: impactRunParams,
    query: impactResultQuery,
    responses: {
      200: {
        description: 'The result (format=json) or the rows as a CSV download (format=csv)',
        schema: 'ImpactResult',
        files: ['text/csv'],
      },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: UNKNOWN_RUN,
      409: { description: 'The run is still running, or failed', schema: 'Error' },
    },
    async handler({ params, query, actor, res, impact }) {
      const result = impact.result(actor, params.id);
      if (query.format === 'json') {
        res.json(result);
        return;
      }
      res
        .status(200)
        .type('text/csv; charset=utf-8')
        .set('Content-Disposition', `attachment; filename="impact-${result.run.id}.csv"`);
      await writeImpactCsv(result.rows, result.summary, query.lang, res);
    },
  }),
];
