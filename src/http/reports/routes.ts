/** /api/reports and /api/users: parse, call one report-service function, shape the response. */
import { CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE } from '../../reports/service';
import { ERRORS } from '../openapi';
import { sendDownload } from '../responses';
import { defineRoute, type Route } from '../route';
import {
  marginChartQuery,
  marginQueryOf,
  marginReportQuery,
  monthlyReportQuery,
} from './validators';

const RENDERER_UNAVAILABLE = {
  description: 'The PDF renderer is busy or failed; see Retry-After',
  schema: 'Error',
} as const;

export const reportRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/reports/margin',
    operationId: 'marginReport',
    summary:
      'Revenue, cost and margin of stored quotes grouped by quote, enterprise, account manager, tier, industry, approval level, state, month or component, with exact totals; JSON, CSV or XLSX, streamed',
    policy: 'report.margin',
    query: marginReportQuery,
    responses: {
      200: {
        description:
          'The report as JSON, or a CSV or XLSX download (format=); an account manager’s counts only their own quotes, without costs or margin',
        schema: 'MarginReport',
        files: [CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE],
      },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
    },
    async handler({ query, actor, res, reports }) {
      const download = await reports.marginReport(actor, marginQueryOf(query), query.format);
      await sendDownload(download, res, query.format === 'json' ? 'inline' : 'attachment');
    },
  }),
  defineRoute({
    method: 'get',
    path: '/reports/margin.svg',
    operationId: 'marginChart',
    summary:
      'A chart of the margin report as SVG, drawn on the server: margin by month, margin % by account manager, the 80/20 curve or the approval mix',
    policy: 'report.chart',
    query: marginChartQuery,
    responses: {
      200: { description: 'The chart', files: ['image/svg+xml'] },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
    },
    async handler({ query, actor, res, reports }) {
      const svg = await reports.chart(actor, query.chart, marginQueryOf(query));
      res.type('image/svg+xml').set('Content-Disposition', `inline; filename="${query.chart}.svg"`);
      res.send(svg);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/reports/margin.pdf',
    operationId: 'monthlyFinanceReport',
    summary:
      'The monthly finance report as a PDF: the month’s margin by account manager, tier and component, the 80/20 view and its loss-makers, and the charts',
    policy: 'report.pdf',
    query: monthlyReportQuery,
    responses: {
      200: { description: 'The report (Content-Disposition: inline)', files: ['application/pdf'] },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      503: RENDERER_UNAVAILABLE,
    },
    async handler({ query, actor, res, reports }) {
      const printed = await reports.monthlyReport(actor, query.month, query.lang);
      res
        .type('application/pdf')
        .set('Content-Disposition', `inline; filename="${printed.filename}"`)
        .send(printed.pdf);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/users',
    operationId: 'listUsers',
    summary: 'Every user: id, name, role and whether they are active, for naming account managers',
    policy: 'user.list',
    responses: {
      200: { description: 'Every user, by name', schema: 'UserList' },
      401: ERRORS[401],
      403: ERRORS[403],
    },
    async handler({ actor, res, reports }) {
      res.json(await reports.users(actor));
    },
  }),
];
