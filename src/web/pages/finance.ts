/**
 * Finance's pages: the margin dashboard (KPIs, the report service's SVG charts, margin by account
 * manager, the 80/20 view and its loss-makers) with the report filters and CSV/XLSX downloads,
 * the approvals queue, and the audit log with its verification. Every figure comes from the
 * report and quote services' methods the API calls; the report's JSON is read back through its
 * own schema.
 */
import { PassThrough } from 'node:stream';
import { text as streamText } from 'node:stream/consumers';
import { z } from 'zod';
import { AppError, toFieldIssues } from '../../errors';
import { auditVerificationIn } from '../../messages/messages';
import { APPROVAL_LEVELS, QUOTE_NUMBER_PATTERN, QUOTE_STATES } from '../../domain';
import { marginChartQuery, marginQueryOf } from '../../http/reports/validators';
import { mayDo } from '../../quotes/policy';
import { CHARTS } from '../../reports/charts';
import { marginReportSchema, type MarginGrouping, type MarginReport } from '../../reports/margin';
import type { MarginQuery, ReportFormat } from '../../reports/service';
import { sendChart, sendDownload } from '../../http/responses';
import { definePage, type Page, type PageRequest } from '../page';
import { auditRows } from '../quote-view';
import { availableActions } from './quotes';

/** The filters the dashboard's form may send, as the API's report routes take them. */
const FILTER_NAMES = [
  'from',
  'to',
  'state',
  'tier',
  'industry',
  'accountManagerId',
  'enterpriseId',
  'approvalLevel',
] as const;

/** The filters of a page's query string: blank fields left out, as the form sends every field. */
function filterQuery(query: Record<string, unknown>): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const name of FILTER_NAMES) {
    const value = query[name];
    if (typeof value === 'string' && value.trim() !== '') filters[name] = value.trim();
  }
  return filters;
}

/** The report query a page's filters ask for, parsed by the API's own schema. */
function reportQuery(
  filters: Record<string, string>,
  lang: string,
): { query?: MarginQuery; issues: { path: string; message: string }[] } {
  const parsed = marginChartQuery.safeParse({ chart: CHARTS[0], ...filters, lang });
  if (!parsed.success) return { issues: toFieldIssues(parsed.error) };
  return { query: marginQueryOf(parsed.data), issues: [] };
}

/** A report as the API's JSON answer, read back through its schema. */
async function reportJson(
  request: PageRequest<'report.chart'>,
  query: MarginQuery,
  groupBy: MarginGrouping,
  pareto = false,
): Promise<MarginReport> {
  const download = await request.reports.marginReport(
    request.actor,
    { ...query, groupBy, ...(pareto ? { pareto: true } : {}) },
    'json',
  );
  const out = new PassThrough();
  const [, json] = await Promise.all([download.write(out), streamText(out)]);
  return marginReportSchema.parse(JSON.parse(json));
}

const exportFormat = z.enum(['csv', 'xlsx']);

/** Audit entries a page of the log shows. */
const AUDIT_PAGE_SIZE = 50;

export const financePages: Page[] = [
  definePage({
    method: 'get',
    path: '/approvals',
    access: 'quote.approve',
    nav: { labelKey: 'web.nav.approvals' },
    async handler(request) {
      const { req, actor, service } = request;
      const pending = await service.list(actor, {
        state: 'pending-approval',
        limit: 200,
        offset: 0,
      });
      const users = new Map((await service.store.listUsers()).map((user) => [user.id, user.name]));
      const mine = pending.items.filter((quote) =>
        availableActions(actor, quote).includes('approve'),
      );
      const done = typeof req.query.done === 'string' && QUOTE_NUMBER_PATTERN.test(req.query.done);
      request.render(
        'approvals',
        {
          items: mine.map((quote) => ({
            number: quote.number,
            enterpriseName: quote.enterpriseName,
            accountManagerName: users.get(quote.accountManagerId) ?? quote.accountManagerId,
            contractValue: quote.contractValue,
            marginPct: quote.marginPct,
            approvalLevel: quote.approval.level,
            createdAt: quote.createdAt,
          })),
          others: pending.total - mine.length,
          done: done
            ? {
                number: req.query.done,
                action: req.query.action === 'reject' ? 'reject' : 'approve',
              }
            : undefined,
        },
        'web.approvals.title',
      );
    },
  }),
  definePage({
    method: 'get',
    path: '/finance',
    access: 'report.chart',
    nav: { labelKey: 'web.nav.finance' },
    async handler(request) {
      const { req, actor, reports, ruleSet, lang, locale } = request;
      const filters = filterQuery(req.query as Record<string, unknown>);
      const { query, issues } = reportQuery(filters, lang);
      const search = new URLSearchParams(filters).toString();
      const industry = ruleSet.tariff.customerFacts.find((fact) => fact.name === 'industry');
      const accountManagers = mayDo(actor.role, 'user.list')
        ? (await reports.users(actor)).items.filter((user) => user.role === 'account-manager')
        : [];
      const options = {
        states: QUOTE_STATES.map((code) => ({ code, selected: filters.state === code })),
        tiers: ruleSet.tariff.tiers.map((tier) => ({
          code: tier.code,
          name: tier.names[lang],
          selected: filters.tier === tier.code,
        })),
        industries:
          industry?.type === 'enum'
            ? industry.values.map((value) => ({
                code: value.code,
                name: value.names[lang],
                selected: filters.industry === value.code,
              }))
            : [],
        approvalLevels: APPROVAL_LEVELS.map((code) => ({
          code,
          selected: filters.approvalLevel === code,
        })),
        accountManagers: accountManagers.map((user) => ({
          id: user.id,
          name: user.name,
          selected: filters.accountManagerId === user.id,
        })),
      };
      if (!query) {
        request.res.status(400);
        request.render('finance', { filters, options, issues }, 'web.finance.title');
        return;
      }
      const [byAccountManager, enterprises] = await Promise.all([
        reportJson(request, query, 'accountManager'),
        reportJson(request, query, 'enterprise', true),
      ]);
      const lossMakers = new Set(enterprises.pareto?.lossMakers ?? []);
      request.render(
        'finance',
        {
          filters,
          options,
          issues,
          total: byAccountManager.total,
          byAccountManager: byAccountManager.rows,
          pareto: enterprises.pareto,
          topEnterprises: enterprises.rows.slice(0, 10),
          lossMakers: enterprises.rows.filter((row) => 'key' in row && lossMakers.has(row.key)),
          charts: CHARTS.map((chart) => ({
            chart,
            src: `/finance/charts/${chart}.svg${search ? `?${search}` : ''}`,
            title: locale.text(`web.finance.charts.${chart}`),
          })),
          exports: (['accountManager', 'enterprise', 'quote', 'component'] as const).map(
            (groupBy) => ({
              groupBy,
              csv: `/finance/margin.csv?${new URLSearchParams({ ...filters, groupBy }).toString()}`,
              xlsx: `/finance/margin.xlsx?${new URLSearchParams({ ...filters, groupBy }).toString()}`,
            }),
          ),
        },
        'web.finance.title',
      );
    },
  }),
  definePage({
    method: 'get',
    path: '/finance/charts/:chart.svg',
    access: 'report.chart',
    async handler({ req, res, actor, reports, lang }) {
      const chart = CHARTS.find((known) => known === req.params.chart);
      if (!chart) throw new AppError('not-found', `no chart ${String(req.params.chart)}`);
      const { query, issues } = reportQuery(
        filterQuery(req.query as Record<string, unknown>),
        lang,
      );
      if (!query) throw AppError.invalidInput(issues);
      const svg = await reports.chart(actor, chart, query);
      sendChart(res, svg);
    },
  }),
  definePage({
    method: 'get',
    path: '/finance/margin.:format',
    access: 'report.margin',
    async handler({ req, res, actor, reports, lang }) {
      const format = exportFormat.safeParse(req.params.format);
      if (!format.success)
        throw new AppError('not-found', `no export .${String(req.params.format)}`);
      const { query, issues } = reportQuery(
        filterQuery(req.query as Record<string, unknown>),
        lang,
      );
      if (!query) throw AppError.invalidInput(issues);
      const groupBy = (['accountManager', 'enterprise', 'quote', 'component'] as const).find(
        (grouping) => grouping === req.query.groupBy,
      );
      const download = await reports.marginReport(
        actor,
        { ...query, groupBy: groupBy ?? 'accountManager' },
        format.data satisfies ReportFormat,
      );
      await sendDownload(download, res, 'attachment');
    },
  }),
  definePage({
    method: 'get',
    path: '/audit',
    access: 'audit.read',
    nav: { labelKey: 'web.nav.audit' },
    async handler(request) {
      const { req, actor, service } = request;
      const quoteNumber =
        typeof req.query.quote === 'string' && QUOTE_NUMBER_PATTERN.test(req.query.quote.trim())
          ? req.query.quote.trim()
          : undefined;
      const offset =
        typeof req.query.offset === 'string' && /^\d{1,9}$/.test(req.query.offset)
          ? Number(req.query.offset)
          : 0;
      const page = await service.auditLog(actor, {
        ...(quoteNumber ? { quoteNumber } : {}),
        limit: AUDIT_PAGE_SIZE,
        offset,
      });
      const link = (at: number) =>
        `/audit?${new URLSearchParams({ ...(quoteNumber ? { quote: quoteNumber } : {}), offset: String(at) }).toString()}`;
      // Newest first: offset 0 is the latest page, the last page holds the first entries.
      const lastPage = Math.max(0, Math.ceil(page.total / AUDIT_PAGE_SIZE) - 1) * AUDIT_PAGE_SIZE;
      request.render(
        'audit',
        {
          quote: quoteNumber ?? (typeof req.query.quote === 'string' ? req.query.quote : ''),
          entries: auditRows(page.items, await service.store.listUsers()),
          total: page.total,
          from: page.items.length === 0 ? 0 : offset + 1,
          to: offset + page.items.length,
          latest: offset > 0 ? link(0) : undefined,
          newer: offset > 0 ? link(Math.max(0, offset - AUDIT_PAGE_SIZE)) : undefined,
          older: offset + AUDIT_PAGE_SIZE < page.total ? link(offset + AUDIT_PAGE_SIZE) : undefined,
          earliest: offset < lastPage ? link(lastPage) : undefined,
        },
        'web.audit.title',
      );
    },
  }),
  definePage({
    method: 'get',
    path: '/audit/verify',
    access: 'audit.read',
    async handler(request) {
      const verification = auditVerificationIn(
        await request.service.verifyAudit(request.actor),
        request.lang,
      );
      const view = { verification, ok: verification.problems.length === 0 };
      if (request.req.get('HX-Request') === 'true') request.fragment('audit-verify', view);
      else request.render('audit-verify-page', view, 'web.audit.title');
    },
  }),
];
