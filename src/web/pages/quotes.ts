/**
 * The account manager's pages (and everyone's view of a quote): the list with state filters and
 * search, the new-quote form with its live preview, saving, a quote's detail with the lifecycle
 * buttons its reader may press, and its PDFs. Each calls the QuoteService method the API calls.
 */
import { sendPdf } from '../../http/responses';
import { errorMessage } from '../../messages/messages';
import { randomUUID } from 'node:crypto';
import { AppError, isAppError, type FieldIssue } from '../../errors';
import { QUOTE_STATES, QUOTE_NUMBER_PATTERN, type QuoteState } from '../../domain';
import { PROPOSAL_LANGUAGES, type ProposalLanguage } from '../../proposals/input';
import { QUOTE_ACTIONS, planTransition, type QuoteAction } from '../../quotes/lifecycle';
import {
  CUSTOMER_COPY,
  LOSS_MAKING_LEVEL,
  SEES_INTERNAL_FIGURES,
  actionOperation,
  assertMayDecide,
  authorize,
  mayDo,
  type Operation,
} from '../../quotes/policy';
import type { QuoteView } from '../../quotes/view';
import type { User } from '../../store/types';
import { definePage, type Page, type PageRequest } from '../page';
import {
  DECIMAL_INPUT_PATTERN,
  formValues,
  quoteForm,
  requestFromForm,
  withAdjustmentRows,
} from '../quote-form';
import { auditRows, quoteDecided, quoteFigures } from '../quote-view';

/** Quotes a list page shows. */
const PAGE_SIZE = 25;
/** The longest search text; the store looks for it in numbers and enterprise names. */
const SEARCH_MAX = 64;

function quoteNumberOf(text: unknown): string {
  if (typeof text !== 'string' || !QUOTE_NUMBER_PATTERN.test(text)) {
    throw new AppError('not-found', `no quote ${String(text).slice(0, 40)}`);
  }
  return text;
}

function stateFilter(text: unknown): QuoteState | undefined {
  return QUOTE_STATES.find((state) => state === text);
}

function whole(text: unknown, fallback: number): number {
  return typeof text === 'string' && /^\d{1,6}$/.test(text) ? Number(text) : fallback;
}

/** The actions the reader may take on a quote now: the role table, its state and §8 authority. */
export function availableActions(actor: User, quote: QuoteView): QuoteAction[] {
  return QUOTE_ACTIONS.filter((action) => {
    const operation = actionOperation(action);
    if (!mayDo(actor.role, operation)) return false;
    // `own` scope: the service answers not-found for another's quote; no button for it either.
    if (authorize(actor, operation) === 'own' && quote.accountManagerId !== actor.id) return false;
    const plan = planTransition(action, quote.state, quote.approval.level);
    if (!plan.ok) return false;
    if (!plan.decision) return true;
    try {
      assertMayDecide(actor, {
        number: quote.number,
        approvalLevel: quote.approval.level,
        accountManagerId: quote.accountManagerId,
      });
      return true;
    } catch {
      return false;
    }
  });
}

/** The PDFs the reader may open for a quote in its state (the service refuses the rest alike). */
function printsOf(actor: User, quote: QuoteView) {
  const proposal =
    mayDo(actor.role, 'quote.proposal') &&
    CUSTOMER_COPY[quote.state] !== 'refused' &&
    quote.approval.level !== LOSS_MAKING_LEVEL;
  return {
    proposal: proposal ? PROPOSAL_LANGUAGES : [],
    dealSheet: mayDo(actor.role, 'quote.deal-sheet') ? PROPOSAL_LANGUAGES : [],
  };
}

function languageParam(text: unknown, fallback: ProposalLanguage): ProposalLanguage {
  return PROPOSAL_LANGUAGES.find((lang) => lang === text) ?? fallback;
}

function renderForm(
  request: PageRequest,
  values: Readonly<Record<string, string>>,
  issues: readonly FieldIssue[],
  problem?: string,
): void {
  request.render(
    'quote-new',
    {
      form: quoteForm(request.ruleSet, request.locale, values, issues),
      decimalPattern: DECIMAL_INPUT_PATTERN,
      // One key per form shown: a double click or a resend stores one quote, not two.
      idempotencyKey: values.idempotencyKey ?? randomUUID(),
      problem,
    },
    'web.quoteForm.title',
  );
}

/** The reasons a priced request was refused, or the issues of an invalid one, as the page shows them. */
function refusalOf(
  error: unknown,
  lang: ProposalLanguage,
): { issues: FieldIssue[]; reasons: string[] } | undefined {
  if (!isAppError(error)) return undefined;
  if (error.kind === 'invalid-input') return { issues: error.details.issues ?? [], reasons: [] };
  if (error.kind === 'ineligible') return { issues: [], reasons: [errorMessage(error, lang)] };
  return undefined;
}

/** The live preview of what a form asks for: its figures, or why it cannot be priced yet. */
async function previewOf(
  request: PageRequest<Operation>,
  values: Readonly<Record<string, string>>,
) {
  const { actor, service, ruleSet, locale } = request;
  try {
    const preview = await service.preview(actor, requestFromForm(values, ruleSet), undefined, {
      headroom: true,
    });
    return {
      figures: quoteFigures(preview.quote, preview.approval, locale, ruleSet, preview.headroom),
    };
  } catch (error) {
    const refusal = refusalOf(error, request.lang);
    if (!refusal) throw error;
    const form = quoteForm(ruleSet, locale, values, refusal.issues);
    const labelled = [
      ...form.sections.flatMap((section) => section.fields),
      ...form.adjustments.flatMap((row) => [row.target, row.percent, row.reason]),
    ]
      .filter((field) => field.error)
      .map((field) => ({ id: field.id, label: field.label, message: field.error }));
    return {
      refused: true,
      issues: labelled,
      otherIssues: form.otherIssues,
      reasons: refusal.reasons,
    };
  }
}

export const quotePages: Page[] = [
  definePage({
    method: 'get',
    path: '/quotes',
    access: 'quote.list',
    nav: { labelKey: 'web.nav.quotes' },
    async handler(request) {
      const { req, actor, service } = request;
      const state = stateFilter(req.query.state);
      const search = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, SEARCH_MAX) : '';
      const offset = whole(req.query.offset, 0);
      const page = await service.list(actor, {
        ...(state ? { state } : {}),
        ...(search ? { search } : {}),
        limit: PAGE_SIZE,
        offset,
      });
      const query = (nextOffset: number) =>
        `/quotes?${new URLSearchParams({ ...(state ? { state } : {}), ...(search ? { q: search } : {}), offset: String(nextOffset) }).toString()}`;
      const view = {
        states: QUOTE_STATES.map((code) => ({ code, selected: code === state })),
        search,
        items: page.items.map((quote) => ({
          number: quote.number,
          enterpriseName: quote.enterpriseName,
          enterpriseId: quote.enterpriseId,
          state: quote.state,
          contractValue: quote.contractValue,
          approvalLevel: quote.approval.level,
          createdAt: quote.createdAt,
          validUntil: quote.validUntil,
        })),
        total: page.total,
        from: page.total === 0 ? 0 : offset + 1,
        to: offset + page.items.length,
        previous: offset > 0 ? query(Math.max(0, offset - PAGE_SIZE)) : undefined,
        next: offset + PAGE_SIZE < page.total ? query(offset + PAGE_SIZE) : undefined,
        mayCreate: mayDo(actor.role, 'quote.create'),
      };
      if (req.get('HX-Request') === 'true' && req.get('HX-Target') === 'quote-list') {
        request.fragment('quote-list', view);
        return;
      }
      request.render(
        'quotes',
        view,
        actor.role === 'account-manager' ? 'web.quotes.mine' : 'web.quotes.title',
      );
    },
  }),
  definePage({
    method: 'get',
    path: '/quotes/new',
    access: 'quote.create',
    nav: { labelKey: 'web.nav.newQuote' },
    handler(request) {
      renderForm(request, {}, []);
    },
  }),
  definePage({
    // Adds an adjustment row, or takes one out: the rows are the server's, as the form is. htmx
    // swaps the fieldset that comes back (with the preview re-priced when a row went). The
    // buttons are plain buttons, not submits: Enter in a field still saves the quote.
    method: 'post',
    path: '/quotes/new/adjustments',
    access: 'quote.create',
    async handler(request) {
      const { req, ruleSet, locale } = request;
      const typed = formValues(req.body);
      const remove = /^remove:(\d{1,2})$/.exec(typed.adjustment ?? '');
      const values = withAdjustmentRows(
        typed,
        remove ? { remove: Number(remove[1]) } : { add: true },
      );
      request.fragment('quote-adjustments', {
        form: quoteForm(ruleSet, locale, values),
        decimalPattern: DECIMAL_INPUT_PATTERN,
        // A removed row may have held an adjustment: the preview comes along, priced without it.
        preview: remove ? await previewOf(request, values) : undefined,
      });
    },
  }),
  definePage({
    method: 'post',
    path: '/quotes/preview',
    access: 'quote.preview',
    async handler(request) {
      const values = formValues(request.req.body);
      request.fragment('quote-preview', await previewOf(request, values));
    },
  }),
  definePage({
    method: 'post',
    path: '/quotes',
    access: 'quote.create',
    async handler(request) {
      const { req, res, actor, service, ruleSet } = request;
      const values = formValues(req.body);
      const key = /^[0-9a-f-]{36}$/.test(values.idempotencyKey ?? '')
        ? values.idempotencyKey
        : undefined;
      try {
        const { quote } = await service.create(actor, requestFromForm(values, ruleSet), key);
        res.redirect(303, `/quotes/${quote.number}`);
      } catch (error) {
        const refusal = refusalOf(error, request.lang);
        if (!refusal) throw error;
        res.status(error instanceof AppError && error.kind === 'ineligible' ? 422 : 400);
        renderForm(
          request,
          values,
          refusal.issues,
          refusal.reasons.length > 0 ? refusal.reasons.join('; ') : undefined,
        );
      }
    },
  }),
  definePage({
    method: 'get',
    path: '/quotes/:number',
    access: 'quote.read',
    async handler(request) {
      const { req, actor, service, ruleSet, locale } = request;
      const quote = await service.get(actor, quoteNumberOf(req.params.number));
      const trail = mayDo(actor.role, 'audit.read')
        ? await service.audit(actor, { quoteNumber: quote.number, limit: 200, offset: 0 })
        : undefined;
      const users = await service.store.listUsers();
      const figures = quoteFigures(quote.quote, quote.approval, locale, ruleSet);
      const decided = quoteDecided(quote, users);
      if (decided) figures.approval.decided = decided;
      request.render(
        'quote',
        {
          quote,
          accountManagerName:
            users.find((user) => user.id === quote.accountManagerId)?.name ??
            quote.accountManagerId,
          figures,
          seesInternal: SEES_INTERNAL_FIGURES[actor.role],
          actions: availableActions(actor, quote).map((action) => ({
            action,
            decision: action === 'approve' || action === 'reject',
          })),
          prints: printsOf(actor, quote),
          mayReplay: mayDo(actor.role, 'quote.replay'),
          trail: trail ? auditRows(trail.items, users) : undefined,
        },
        'web.quote.title',
      );
    },
  }),
  ...QUOTE_ACTIONS.map((action) =>
    definePage({
      method: 'post',
      path: `/quotes/:number/${action}`,
      access: actionOperation(action),
      async handler({ req, res, actor, service }) {
        const body = req.body as Record<string, unknown>;
        const comment = typeof body.comment === 'string' ? body.comment.trim() : '';
        const number = quoteNumberOf(req.params.number);
        await service.act(actor, number, action, comment === '' ? undefined : comment);
        // From the approvals queue, back to it, saying what was done.
        res.redirect(
          303,
          body.back === 'approvals'
            ? `/approvals?done=${number}&action=${action}`
            : `/quotes/${number}`,
        );
      },
    }),
  ),
  definePage({
    method: 'get',
    path: '/quotes/:number/replay',
    access: 'quote.replay',
    async handler(request) {
      const replay = await request.service.replay(
        request.actor,
        quoteNumberOf(request.req.params.number),
      );
      const view = { replay, hashPrefix: replay.ruleSetHash.slice(0, 12) };
      if (request.req.get('HX-Request') === 'true') request.fragment('quote-replay', view);
      else request.render('quote-replay', view, 'web.quote.replay');
    },
  }),
  definePage({
    method: 'get',
    path: '/quotes/:number/proposal.pdf',
    access: 'quote.proposal',
    async handler({ req, res, actor, service, lang }) {
      const number = quoteNumberOf(req.params.number);
      sendPdf(res, await service.proposal(actor, number, languageParam(req.query.lang, lang)));
    },
  }),
  definePage({
    method: 'get',
    path: '/quotes/:number/deal-sheet.pdf',
    access: 'quote.deal-sheet',
    async handler({ req, res, actor, service, lang }) {
      const number = quoteNumberOf(req.params.number);
      sendPdf(res, await service.dealSheet(actor, number, languageParam(req.query.lang, lang)));
    },
  }),
];
