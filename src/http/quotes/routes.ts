/** /api/quotes: parse, call one service function, shape the response. */
import type { Response } from 'express';
import { QUOTE_ACTIONS, REVISABLE_STATES, TRANSITIONS } from '../../quotes/lifecycle';
import { ERRORS, QUOTE_REQUEST_BODY, type ResponseDoc } from '../openapi';
import { sendPdf } from '../responses';
import { defineRoute, type Route } from '../route';
import {
  IDEMPOTENCY_KEY_HEADER,
  createHeaders,
  listQuotesQuery,
  previewQuery,
  printQuery,
  quoteParams,
  transitionBody,
} from './validators';

const QUOTE_NOT_FOUND = {
  description: 'No such quote, or another account manager’s quote',
  schema: 'Error',
} as const satisfies ResponseDoc;
const BODY_TOO_LARGE = {
  description: 'Body over 64 kB',
  schema: 'Error',
} as const satisfies ResponseDoc;
const RENDERER_UNAVAILABLE = {
  description: 'The PDF renderer is busy or failed; see Retry-After',
  schema: 'Error',
} as const satisfies ResponseDoc;

export const quoteRoutes: readonly Route[] = [
  defineRoute({
    method: 'post',
    path: '/quotes/preview',
    operationId: 'previewQuote',
    summary: 'Price a request without storing it',
    policy: 'quote.preview',
    query: previewQuery,
    body: QUOTE_REQUEST_BODY,
    responses: {
      200: { description: 'The priced quote', schema: 'Preview' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      413: BODY_TOO_LARGE,
      422: { description: 'Not eligible (§2), with the reasons', schema: 'Error' },
    },
    async handler({ query, body, actor, res, service }) {
      res.json(await service.preview(actor, body, bodyText(res), { headroom: query.headroom }));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/quotes',
    operationId: 'createQuote',
    summary: 'Price and store a draft quote (numbered Q-YYYY-NNNNNN, valid 30 days)',
    policy: 'quote.create',
    headers: createHeaders,
    body: QUOTE_REQUEST_BODY,
    responses: {
      201: { description: 'Stored', schema: 'Quote' },
      200: {
        description: 'A retry with the same Idempotency-Key: the first quote',
        schema: 'Quote',
      },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      409: { description: 'Idempotency-Key reused for a different request', schema: 'Error' },
      413: BODY_TOO_LARGE,
      422: { description: 'Not eligible (§2), with the reasons; nothing stored', schema: 'Error' },
    },
    async handler({ headers, body, actor, res, service }) {
      const { quote, created } = await service.create(
        actor,
        body,
        headers[IDEMPOTENCY_KEY_HEADER],
        bodyText(res),
      );
      // A retry answers 200 with the first response's body; the header says it was a replay.
      if (!created) res.set('Idempotent-Replayed', 'true');
      res
        .status(created ? 201 : 200)
        .location(`/api/quotes/${quote.number}`)
        .json(quote);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/quotes',
    operationId: 'listQuotes',
    summary: 'List quotes, newest first, filtered and paged (account managers: their own only)',
    policy: 'quote.list',
    query: listQuotesQuery,
    responses: {
      200: { description: 'A page', schema: 'QuotePage' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
    },
    async handler({ query, actor, res, service }) {
      res.json(await service.list(actor, query));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/quotes/{number}',
    operationId: 'getQuote',
    summary: 'One quote (an open quote past its validity is expired first)',
    policy: 'quote.read',
    params: quoteParams,
    responses: {
      200: { description: 'The quote', schema: 'Quote' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: QUOTE_NOT_FOUND,
    },
    async handler({ params, actor, res, service }) {
      res.json(await service.get(actor, params.number));
    },
  }),
  ...QUOTE_ACTIONS.map((action) =>
    defineRoute({
      method: 'post',
      path: `/quotes/{number}/${action}`,
      operationId: `${action}Quote`,
      summary: TRANSITIONS[action].summary,
      policy: `quote.${action}`,
      params: quoteParams,
      body: transitionBody,
      responses: {
        200: { description: 'The quote in its new state', schema: 'Quote' },
        400: ERRORS[400],
        401: ERRORS[401],
        403: ERRORS[403],
        404: QUOTE_NOT_FOUND,
        409: {
          description: `Not allowed from the quote’s state (from: ${TRANSITIONS[action].from.join(', ')}); names the state`,
          schema: 'Error',
        },
      },
      async handler({ params, body, actor, res, service }) {
        res.json(await service.act(actor, params.number, action, body.comment));
      },
    }),
  ),
  defineRoute({
    method: 'post',
    path: '/quotes/{number}/revise',
    operationId: 'reviseQuote',
    summary:
      'Revise a quote: the changed request is priced now and stored as a new draft that supersedes it',
    policy: 'quote.revise',
    params: quoteParams,
    body: QUOTE_REQUEST_BODY,
    responses: {
      201: { description: 'The revision, a new draft linked by supersedes', schema: 'Quote' },
      400: { description: 'Invalid request, or one for another enterprise', schema: 'Error' },
      401: ERRORS[401],
      403: ERRORS[403],
      404: QUOTE_NOT_FOUND,
      409: {
        description: `Not revisable in the quote’s state (from: ${REVISABLE_STATES.join(', ')}), e.g. already superseded by a concurrent revision; names the state and supersededBy`,
        schema: 'Error',
      },
      413: BODY_TOO_LARGE,
      422: { description: 'Not eligible (§2), with the reasons; nothing changed', schema: 'Error' },
    },
    async handler({ params, body, actor, res, service }) {
      const revision = await service.revise(actor, params.number, body, bodyText(res));
      res.status(201).location(`/api/quotes/${revision.number}`).json(revision);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/quotes/{number}/replay',
    operationId: 'replayQuote',
    summary: 'Price the stored request again with the stored rule set and compare',
    policy: 'quote.replay',
    params: quoteParams,
    responses: {
      200: { description: 'The replay', schema: 'Replay' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: QUOTE_NOT_FOUND,
    },
    async handler({ params, actor, res, service }) {
      res.json(await service.replay(actor, params.number));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/quotes/{number}/proposal.pdf',
    operationId: 'quoteProposalPdf',
    summary:
      'The customer’s proposal as a PDF (§9), without internal figures; marked DRAFT before issue',
    policy: 'quote.proposal',
    params: quoteParams,
    query: printQuery,
    responses: {
      200: {
        description: 'The proposal (Content-Disposition: inline)',
        files: ['application/pdf'],
      },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: QUOTE_NOT_FOUND,
      409: {
        description:
          'Not printed for a customer in the quote’s state (rejected or loss-making, declined, expired); names the state',
        schema: 'Error',
      },
      503: RENDERER_UNAVAILABLE,
    },
    async handler({ params, query, actor, res, service }) {
      sendPdf(res, await service.proposal(actor, params.number, query.lang));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/quotes/{number}/deal-sheet.pdf',
    operationId: 'quoteDealSheetPdf',
    summary:
      'The internal deal sheet as a PDF: costs, margin, approval, rule-set hash, explanations',
    policy: 'quote.deal-sheet',
    params: quoteParams,
    query: printQuery,
    responses: {
      200: {
        description: 'The deal sheet (Content-Disposition: inline)',
        files: ['application/pdf'],
      },
      400: ERRORS[400],
      401: ERRORS[401],
      403: { description: 'Account managers (for their own quotes)', schema: 'Error' },
      404: QUOTE_NOT_FOUND,
      503: RENDERER_UNAVAILABLE,
    },
    async handler({ params, query, actor, res, service }) {
      sendPdf(res, await service.dealSheet(actor, params.number, query.lang));
    },
  }),
];

/** The body's text as sent (kept by the JSON parser), for the checks only the text allows. */
function bodyText(res: Response): string | undefined {
  const text: unknown = res.locals.bodyText;
  return typeof text === 'string' ? text : undefined;
}
