/** /api/quotes: parse, call one service function, shape the response. */
import { Router, type Response } from 'express';
import { QUOTE_ACTIONS } from '../../quotes/lifecycle';
import type { PrintedQuote, QuoteService } from '../../quotes/service';
import { actorOf, jsonBody, parsePart } from '../parse';
import {
  IDEMPOTENCY_KEY_HEADER,
  createHeaders,
  listQuotesQuery,
  printQuery,
  quoteParams,
  transitionBody,
} from './validators';

export function quoteRoutes(service: QuoteService): Router {
  const router = Router();

  router.post('/quotes/preview', async (req, res) => {
    res.json(await service.preview(actorOf(res), jsonBody(req)));
  });

  router.post('/quotes', async (req, res) => {
    const headers = parsePart(
      createHeaders,
      { [IDEMPOTENCY_KEY_HEADER]: req.get(IDEMPOTENCY_KEY_HEADER) },
      'header',
    );
    const { quote, created } = await service.create(
      actorOf(res),
      jsonBody(req),
      headers[IDEMPOTENCY_KEY_HEADER],
    );
    // A retry answers 200 with the first response's body; the header says it was a replay.
    if (!created) res.set('Idempotent-Replayed', 'true');
    res
      .status(created ? 201 : 200)
      .location(`/api/quotes/${quote.number}`)
      .json(quote);
  });

  router.get('/quotes', async (req, res) => {
    res.json(await service.list(actorOf(res), parsePart(listQuotesQuery, req.query, 'query')));
  });

  router.get('/quotes/:number', async (req, res) => {
    const { number } = parsePart(quoteParams, req.params, 'params');
    res.json(await service.get(actorOf(res), number));
  });

  router.get('/quotes/:number/replay', async (req, res) => {
    const { number } = parsePart(quoteParams, req.params, 'params');
    res.json(await service.replay(actorOf(res), number));
  });

  router.get('/quotes/:number/proposal.pdf', async (req, res) => {
    const { number } = parsePart(quoteParams, req.params, 'params');
    const { lang } = parsePart(printQuery, req.query, 'query');
    sendPdf(res, await service.proposal(actorOf(res), number, lang));
  });

  router.get('/quotes/:number/deal-sheet.pdf', async (req, res) => {
    const { number } = parsePart(quoteParams, req.params, 'params');
    const { lang } = parsePart(printQuery, req.query, 'query');
    sendPdf(res, await service.dealSheet(actorOf(res), number, lang));
  });

  for (const action of QUOTE_ACTIONS) {
    router.post(`/quotes/:number/${action}`, async (req, res) => {
      const { number } = parsePart(quoteParams, req.params, 'params');
      const { comment } = parsePart(transitionBody, req.body, 'body');
      res.json(await service.act(actorOf(res), number, action, comment));
    });
  }

  return router;
}

/** Shown in the browser rather than downloaded; saved under the quote number and language. */
function sendPdf(res: Response, printed: PrintedQuote): void {
  res
    .status(200)
    .type('application/pdf')
    .set('Content-Disposition', `inline; filename="${printed.filename}"`)
    // The PDF is the quote's state at this moment (a DRAFT mark, an expiry); never reuse it.
    .set('Cache-Control', 'no-store')
    .send(printed.pdf);
}
