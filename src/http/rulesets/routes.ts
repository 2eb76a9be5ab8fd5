/**
 * /api/rulesets: rule sets as governed versions (issue 13). Pricing managers push drafts and
 * publish or roll back; finance and admin read every version, diff and publication.
 */
import { isBrokenCase, ruleCaseFrom, type BrokenCase, type RuleCase } from '../../pricing/cases';
import { issueMessage } from '../../messages/messages';
import { speakTo } from '../errors';
import { ERRORS, type ResponseDoc } from '../openapi';
import { defineRoute, type Route } from '../route';
import {
  cancelPublicationBody,
  publishRuleSetBody,
  pushRuleSetBody,
  rollbackRuleSetBody,
  ruleSetDiffParams,
  ruleSetParams,
} from './validators';

const UNKNOWN_HASH: ResponseDoc = { description: 'Unknown hash', schema: 'Error' };

export const ruleSetRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/rulesets',
    operationId: 'listRuleSets',
    summary: 'Every stored rule set, newest first, with its state, author and note',
    policy: 'ruleset.read',
    responses: {
      200: { description: 'The rule sets', schema: 'RuleSetList' },
      401: ERRORS[401],
      403: ERRORS[403],
    },
    async handler({ actor, res, ruleSets }) {
      res.json({ items: await ruleSets.list(actor) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/rulesets',
    operationId: 'pushRuleSet',
    summary:
      'Push a draft: refused unless it compiles, the verifier finds no error and every case prices as it expects',
    policy: 'ruleset.push',
    body: pushRuleSetBody,
    responses: {
      200: {
        description: 'This content was pushed before: nothing stored',
        schema: 'PushedRuleSet',
      },
      201: { description: 'Stored as a draft', schema: 'PushedRuleSet' },
      400: {
        description:
          'Refused: each problem, verifier error or failing case as an issue naming its file (or case) and path, with `problems`, `findings` or `cases`',
        schema: 'Error',
      },
      401: ERRORS[401],
      403: ERRORS[403],
      413: { description: 'Body over 512 kB', schema: 'Error' },
    },
    async handler({ body, actor, req, res, ruleSets }) {
      const read = Object.entries(body.cases).map(([name, content]) => ruleCaseFrom(name, content));
      const pushed = await ruleSets.push(actor, {
        files: body.files,
        cases: read.filter((entry): entry is RuleCase => !isBrokenCase(entry)),
        broken: read.filter((entry): entry is BrokenCase => isBrokenCase(entry)),
        note: body.note,
      });
      // The warnings in the caller's language, as its errors are.
      const locale = speakTo(req, res);
      res.status(pushed.created ? 201 : 200).json({
        ...pushed,
        findings: pushed.findings.map((finding) => ({
          ...finding,
          message: issueMessage(finding, locale),
        })),
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/rulesets/publications',
    operationId: 'listPublications',
    summary: 'Every publication and rollback, scheduled or done, oldest first',
    policy: 'ruleset.read',
    responses: {
      200: { description: 'The history', schema: 'PublicationList' },
      401: ERRORS[401],
      403: ERRORS[403],
    },
    async handler({ actor, res, ruleSets }) {
      res.json({ items: await ruleSets.history(actor) });
    },
  }),
  defineRoute({
    method: 'post',
    path: '/rulesets/rollback',
    operationId: 'rollbackRuleSet',
    summary: 'Republish the rule set that was live before the live one',
    policy: 'ruleset.publish',
    body: rollbackRuleSetBody,
    responses: {
      200: { description: 'Live now in every service process', schema: 'Publication' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      409: {
        description: 'Nothing to roll back to, or the live set changed meanwhile',
        schema: 'Error',
      },
    },
    async handler({ body, actor, res, ruleSets }) {
      res.json(await ruleSets.rollback(actor, body));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/rulesets/{hash}',
    operationId: 'getRuleSet',
    summary:
      'The exact rule set (rules, prices, costs, tariff) a quote was priced with, its version record and publications',
    policy: 'ruleset.read',
    params: ruleSetParams,
    responses: {
      200: { description: 'The rule set', schema: 'RuleSet' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: UNKNOWN_HASH,
    },
    async handler({ params, actor, res, ruleSets }) {
      const detail = await ruleSets.show(actor, params.hash);
      res.json({
        hash: params.hash,
        files: detail.files,
        version: detail.ruleSet,
        publications: detail.publications,
      });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/rulesets/{hash}/diff/{to}',
    operationId: 'diffRuleSets',
    summary:
      'What changed from one rule set to another, in words (English, or zh-CN by Accept-Language)',
    policy: 'ruleset.read',
    params: ruleSetDiffParams,
    responses: {
      200: { description: 'The changes', schema: 'RuleSetDiff' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: UNKNOWN_HASH,
    },
    async handler({ params, actor, req, res, ruleSets }) {
      res.json(await ruleSets.diff(actor, params.hash, params.to, speakTo(req, res)));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/rulesets/{hash}/publish',
    operationId: 'publishRuleSet',
    summary: 'Make a pushed rule set live in every service process within 2 s, or at effectiveFrom',
    policy: 'ruleset.publish',
    params: ruleSetParams,
    body: publishRuleSetBody,
    responses: {
      200: { description: 'Live now, or scheduled', schema: 'Publication' },
      400: {
        description: 'A missing note, or a verifier error in the set (with `findings`)',
        schema: 'Error',
      },
      401: ERRORS[401],
      403: {
        description: 'The role may not publish, or four eyes: the publisher pushed it',
        schema: 'Error',
      },
      404: UNKNOWN_HASH,
      409: {
        description: 'Already live, never pushed, or the live set changed meanwhile',
        schema: 'Error',
      },
    },
    async handler({ params, body, actor, res, ruleSets }) {
      res.json(await ruleSets.publish(actor, { hash: params.hash, ...body }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/rulesets/{hash}/cancel',
    operationId: 'cancelRuleSetPublication',
    summary: 'Call off the scheduled publication of a rule set before it takes effect (audited)',
    policy: 'ruleset.publish',
    params: ruleSetParams,
    body: cancelPublicationBody,
    responses: {
      200: { description: 'The publications called off', schema: 'PublicationList' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: UNKNOWN_HASH,
      409: {
        description: 'Nothing scheduled for it: never scheduled, already live, or cancelled',
        schema: 'Error',
      },
    },
    async handler({ params, body, actor, res, ruleSets }) {
      res.json({ items: await ruleSets.cancel(actor, { hash: params.hash, ...body }) });
    },
  }),
];
