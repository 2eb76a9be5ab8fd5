/**
 * The pricing analyst's pages (issue 16): the rule sets (live, drafts, history), a set's page
 * (verifier findings, case results, the diff against live in words, its rules as tables), publish
 * and rollback, the impact analysis of a set against live (started here, polled by htmx, its
 * summary, movers, chart and CSV), and a raw-JSON editor of one rule file that checks as its user
 * types and pushes a new draft. Every handler calls the rule-set or impact service method the
 * command line calls; refusals (four eyes, a failing case) come back from the service as they are.
 */
import { AppError, isAppError } from '../../errors';
import { errorMessage, issueMessage, type MessageLocale } from '../../messages/messages';
import { instantOfWallClock } from '../../calendar';
import { STATUS_BY_KIND } from '../../http/errors';
import { parsePart } from '../../http/parse';
import { publishRuleSetBody } from '../../http/rulesets/validators';
import { sendChart, sendDownload } from '../../http/responses';
import { writeImpactCsv } from '../../impact/csv';
import { LIVE } from '../../impact/service';
import { mayDo, type Operation } from '../../quotes/policy';
import { impactMoversChart } from '../../reports/charts';
import { RULE_FILE_SUFFIX } from '../../rules/compile';
import type { Finding } from '../../rules/verify';
import type { DraftCheck } from '../../rulesets/service';
import { definePage, type Page, type PageRequest } from '../page';
import { migrationMatrix, moverRows, ruleFileViews } from '../ruleset-view';

const HASH = /^[0-9a-f]{64}$/;

function hashParam(text: unknown): string {
  if (typeof text === 'string' && HASH.test(text)) return text;
  throw new AppError('not-found', `no rule set ${String(text).slice(0, 70)}`);
}

/** A rule file of the set, by name: only `*.rules.json` files are edited here. */
function ruleFileParam(text: unknown, files: Record<string, unknown>): string {
  if (typeof text === 'string' && text.endsWith(RULE_FILE_SUFFIX) && Object.hasOwn(files, text))
    return text;
  throw new AppError('not-found', `no rule file ${String(text).slice(0, 70)}`);
}

function formText(body: unknown, name: string): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : '';
}

/** A file as the editor shows it, and as the store's positions count lines in it. */
function printed(content: unknown): string {
  return JSON.stringify(content, null, 2);
}

function isHtmx(request: PageRequest): boolean {
  return request.req.get('HX-Request') === 'true';
}

async function userNames(request: PageRequest): Promise<(id: string | undefined) => string> {
  const names = new Map((await request.service.store.listUsers()).map((u) => [u.id, u.name]));
  return (id) => (id === undefined ? '' : (names.get(id) ?? id));
}

/** A refusal as the page shows it: its status, the service's message, and four eyes named. */
function refusalOf(
  error: unknown,
  lang: MessageLocale,
): { status: number; message: string; fourEyes: boolean } {
  if (!isAppError(error) || STATUS_BY_KIND[error.kind] >= 500) throw error;
  const status = STATUS_BY_KIND[error.kind];
  const message = errorMessage(error, lang);
  const detail = (error.details.issues ?? [])
    .map((issue) => `${issue.path}: ${issueMessage(issue, lang)}`)
    .join('; ');
  return {
    status,
    message: detail && !message.includes(detail) ? `${message}: ${detail}` : message,
    fourEyes: error.kind === 'forbidden' && error.details.author !== undefined,
  };
}

async function renderList(
  request: PageRequest<Operation>,
  notice: { done?: string; refusal?: ReturnType<typeof refusalOf> } = {},
): Promise<void> {
  const { actor, ruleSets } = request;
  const [sets, history, nameOf] = await Promise.all([
    ruleSets.list(actor),
    ruleSets.history(actor),
    userNames(request),
  ]);
  const row = (set: (typeof sets)[number]) => ({
    ...set,
    short: set.hash.slice(0, 12),
    authorName: nameOf(set.author ?? set.createdBy),
    publisherName: nameOf(set.publishedBy),
  });
  if (notice.refusal) request.res.status(notice.refusal.status);
  request.render(
    'rulesets',
    {
      live: sets.filter((set) => set.live).map(row)[0],
      drafts: sets.filter((set) => set.state === 'draft').map(row),
      retired: sets.filter((set) => set.state === 'retired').map(row),
      history: [...history].reverse().map((publication) => ({
        ...publication,
        short: publication.hash.slice(0, 12),
        fromShort: publication.fromHash?.slice(0, 12),
        requestedByName: nameOf(publication.requestedBy),
      })),
      mayPublish: mayDo(actor.role, 'ruleset.publish'),
      done: notice.done,
      refusal: notice.refusal,
    },
    'web.rulesets.title',
  );
}

async function renderRuleSet(
  request: PageRequest<Operation>,
  hash: string,
  refusal?: ReturnType<typeof refusalOf>,
): Promise<void> {
  const { actor, ruleSets, locale } = request;
  const detail = await ruleSets.show(actor, hash);
  const [review, sets, nameOf] = await Promise.all([
    ruleSets.review(actor, hash, request.ruleCases()),
    ruleSets.list(actor),
    userNames(request),
  ]);
  const live = sets.find((set) => set.live);
  const diff =
    live && live.hash !== hash
      ? await ruleSets.diff(actor, live.hash, hash, request.lang)
      : undefined;
  const files = ruleFileViews(detail.files, locale);
  const mayPush = mayDo(actor.role, 'ruleset.push');
  if (refusal) request.res.status(refusal.status);
  request.render(
    'ruleset',
    {
      set: {
        ...detail.ruleSet,
        authorName: nameOf(detail.ruleSet.author ?? detail.ruleSet.createdBy),
        publisherName: nameOf(detail.ruleSet.publishedBy),
      },
      liveShort: live?.hash.slice(0, 12),
      review: { problems: [], findings: findingRows(review.findings, request.lang) },
      cases: review.cases.map((result) => ({
        ...result,
        failures: result.failures.map((failure) => ({
          ...failure,
          message: issueMessage(failure, request.lang),
        })),
      })),
      casesPassed: review.cases.filter((result) => result.passed).length,
      diff: diff?.changes,
      files: files.map((file) => ({
        ...file,
        edit: mayPush ? `/rulesets/${hash}/edit/${file.file}` : undefined,
      })),
      publications: detail.publications.map((publication) => ({
        ...publication,
        requestedByName: nameOf(publication.requestedBy),
      })),
      mayPublish: mayDo(actor.role, 'ruleset.publish') && !detail.ruleSet.live,
      mayCancel: mayDo(actor.role, 'ruleset.publish') && detail.ruleSet.scheduledFrom !== undefined,
      mayAnalyse: mayDo(actor.role, 'impact.run') && live !== undefined && live.hash !== hash,
      refusal,
    },
    'web.ruleset.title',
  );
}

/** Findings in the page's language; the witness as the JSON of a request. */
function findingRows(findings: readonly Finding[], lang: MessageLocale) {
  return findings.map((finding) => ({
    ...finding,
    message: issueMessage(finding, lang),
    witness: finding.witness ? JSON.stringify(finding.witness) : undefined,
  }));
}

function checkView(check: DraftCheck, lang: MessageLocale) {
  return {
    problems: check.problems.map((problem) => ({
      ...problem,
      message: issueMessage(problem, lang),
    })),
    findings: findingRows(check.findings, lang),
    clean: check.problems.length === 0 && check.findings.length === 0,
    errors:
      check.problems.length +
      check.findings.filter((finding) => finding.severity === 'error').length,
  };
}

/**
 * The set's files with one rule file replaced by the editor's text. Text that is not JSON leaves
 * the file as it was: the check reports where the text stops being JSON, from the text itself.
 */
function editedDraft(files: Record<string, unknown>, file: string, text: string) {
  const sources = { [file]: text };
  try {
    return { files: { ...files, [file]: JSON.parse(text) as unknown }, sources, parsed: true };
  } catch {
    return { files, sources, parsed: false };
  }
}

async function renderEditor(
  request: PageRequest<'ruleset.push'>,
  hash: string,
  file: string,
  text: string,
  state: { note?: string; check?: DraftCheck; refusal?: ReturnType<typeof refusalOf> } = {},
): Promise<void> {
  if (state.refusal) request.res.status(state.refusal.status);
  request.render(
    'ruleset-editor',
    {
      hash,
      short: hash.slice(0, 12),
      file,
      text,
      note: state.note ?? '',
      check: state.check ? checkView(state.check, request.lang) : undefined,
      refusal: state.refusal,
    },
    'web.editor.title',
  );
}

/** The impact analysis of a set: progress while it runs (htmx polls it), its result once done. */
async function impactView(request: PageRequest<'impact.read'>, hash: string, id: string) {
  const { actor, impact, locale } = request;
  const run = impact.run(actor, id);
  if (run.after !== hash) throw new AppError('not-found', `no impact analysis ${id} of ${hash}`);
  const base = `/rulesets/${hash}/impact/${id}`;
  const view = {
    hash,
    short: hash.slice(0, 12),
    beforeShort: run.before.slice(0, 12),
    run,
    poll: run.state === 'running' ? base : undefined,
    progress: run.total > 0 ? Math.floor((run.done * 100) / run.total) : 0,
  };
  if (run.state !== 'done') return view;
  const result = impact.result(actor, id);
  return {
    ...view,
    summary: result.summary,
    migration: migrationMatrix(result.summary, locale),
    movers: moverRows(result.summary, result.rows, locale),
    chart: `${base}/movers.svg`,
    csv: `${base}.csv`,
  };
}

/** The finished analysis a download's path names, of the set its path names. */
function impactResultOf(request: PageRequest<'impact.read'>) {
  const hash = hashParam(request.req.params.hash);
  const result = request.impact.result(request.actor, String(request.req.params.id));
  if (result.run.after !== hash) throw new AppError('not-found', 'no such impact analysis');
  return { hash, result };
}

/**
 * Publish or cancel a scheduled publication: the form must confirm; a refusal shows on the set's
 * own page, success returns to the list saying what was done.
 */
function confirmedScheduleAction(action: 'publish' | 'cancel'): Page {
  return definePage({
    method: 'post',
    path: `/rulesets/:hash/${action}`,
    access: 'ruleset.publish',
    async handler(request) {
      const { req, res, actor, ruleSets } = request;
      const hash = hashParam(req.params.hash);
      try {
        if (formText(req.body, 'confirm') !== 'yes') throw notConfirmed();
        const note = formText(req.body, 'note');
        if (action === 'publish') {
          await ruleSets.publish(actor, { hash, ...publishForm(note, req.body) });
        } else {
          await ruleSets.cancel(actor, { hash, note });
        }
      } catch (error) {
        await renderRuleSet(request, hash, refusalOf(error, request.lang));
        return;
      }
      res.redirect(303, `/rulesets?done=${action}`);
    },
  });
}

export const ruleSetPages: Page[] = [
  definePage({
    method: 'get',
    path: '/rulesets',
    access: 'ruleset.read',
    nav: { labelKey: 'web.nav.rulesets' },
    async handler(request) {
      const done = request.req.query.done;
      await renderList(request, {
        ...(done === 'rollback' || done === 'publish' || done === 'cancel' ? { done } : {}),
      });
    },
  }),
  definePage({
    method: 'post',
    path: '/rulesets/rollback',
    access: 'ruleset.publish',
    async handler(request) {
      const { req, res, actor, ruleSets } = request;
      try {
        if (formText(req.body, 'confirm') !== 'yes') throw notConfirmed();
        await ruleSets.rollback(actor, { note: formText(req.body, 'note') });
      } catch (error) {
        await renderList(request, { refusal: refusalOf(error, request.lang) });
        return;
      }
      res.redirect(303, '/rulesets?done=rollback');
    },
  }),
  definePage({
    method: 'get',
    path: '/rulesets/:hash',
    access: 'ruleset.read',
    async handler(request) {
      await renderRuleSet(request, hashParam(request.req.params.hash));
    },
  }),
  confirmedScheduleAction('publish'),
  confirmedScheduleAction('cancel'),
  definePage({
    method: 'post',
    path: '/rulesets/:hash/impact',
    access: 'impact.run',
    async handler({ req, res, actor, impact }) {
      const hash = hashParam(req.params.hash);
      const run = await impact.start(actor, hash, { against: LIVE });
      res.redirect(303, `/rulesets/${hash}/impact/${run.id}`);
    },
  }),
  definePage({
    method: 'get',
    path: '/rulesets/:hash/impact/:id.csv',
    access: 'impact.read',
    async handler(request) {
      const { res, lang } = request;
      const { hash, result } = impactResultOf(request);
      await sendDownload(
        {
          contentType: 'text/csv; charset=utf-8',
          filename: `impact-${hash.slice(0, 12)}-${result.run.id.slice(0, 8)}.csv`,
          write: (out) => writeImpactCsv(result.rows, result.summary, lang, out),
        },
        res,
        'attachment',
      );
    },
  }),
  definePage({
    method: 'get',
    path: '/rulesets/:hash/impact/:id/movers.svg',
    access: 'impact.read',
    async handler(request) {
      const { res, locale } = request;
      const { result } = impactResultOf(request);
      const svg = impactMoversChart(
        result.summary.biggestMovers.map((mover) => ({
          label: mover.enterpriseName,
          contractValueDelta: mover.contractValueDelta,
          marginDelta: mover.marginDelta,
        })),
        locale,
      );
      sendChart(res, svg);
    },
  }),
  definePage({
    method: 'get',
    path: '/rulesets/:hash/impact/:id',
    access: 'impact.read',
    async handler(request) {
      const hash = hashParam(request.req.params.hash);
      const view = await impactView(request, hash, String(request.req.params.id));
      if (isHtmx(request)) request.fragment('ruleset-impact', view);
      else request.render('ruleset-impact-page', view, 'web.impact.title');
    },
  }),
  definePage({
    method: 'get',
    path: '/rulesets/:hash/edit/:file',
    access: 'ruleset.push',
    async handler(request) {
      const hash = hashParam(request.req.params.hash);
      const { files } = await request.ruleSets.show(request.actor, hash);
      const file = ruleFileParam(request.req.params.file, files);
      await renderEditor(request, hash, file, printed(files[file]));
    },
  }),
  definePage({
    method: 'post',
    path: '/rulesets/:hash/edit/:file/check',
    access: 'ruleset.push',
    async handler(request) {
      const hash = hashParam(request.req.params.hash);
      const { files } = await request.ruleSets.show(request.actor, hash);
      const file = ruleFileParam(request.req.params.file, files);
      const draft = editedDraft(files, file, formText(request.req.body, 'text'));
      const check = request.ruleSets.check(request.actor, draft);
      request.fragment('ruleset-check', { check: checkView(check, request.lang) });
    },
  }),
  definePage({
    method: 'post',
    path: '/rulesets/:hash/edit/:file',
    access: 'ruleset.push',
    async handler(request) {
      const { req, res, actor, ruleSets } = request;
      const hash = hashParam(req.params.hash);
      const { files } = await ruleSets.show(actor, hash);
      const file = ruleFileParam(req.params.file, files);
      const text = formText(req.body, 'text');
      const note = formText(req.body, 'note');
      const draft = editedDraft(files, file, text);
      const check = ruleSets.check(actor, draft);
      if (!draft.parsed || check.problems.length > 0) {
        res.status(400);
        await renderEditor(request, hash, file, text, { note, check });
        return;
      }
      try {
        const pushed = await ruleSets.push(actor, {
          files: draft.files,
          sources: draft.sources,
          ...request.ruleCases(),
          note,
        });
        res.redirect(303, `/rulesets/${pushed.ruleSet.hash}`);
      } catch (error) {
        await renderEditor(request, hash, file, text, {
          note,
          check,
          refusal: refusalOf(error, request.lang),
        });
      }
    },
  }),
];

/**
 * The publish form as the API's body: the optional effective-from, typed as a date and time in
 * China (a datetime-local input), becomes the instant the API takes; the API's schema judges
 * the rest, and the service refuses a time already past.
 */
function publishForm(note: string, body: unknown) {
  const typed = formText(body, 'effectiveFrom').trim();
  const effectiveFrom = typed === '' ? undefined : instantOfWallClock(typed)?.toISOString();
  return parsePart(
    publishRuleSetBody,
    { note, ...(typed === '' ? {} : { effectiveFrom: effectiveFrom ?? typed }) },
    'body',
  );
}

function notConfirmed(): AppError {
  return AppError.invalidInput(
    [
      {
        path: 'confirm',
        message: 'tick the box to confirm',
        text: { key: 'rulesets.notConfirmed' },
      },
    ],
    'not confirmed',
  );
}
