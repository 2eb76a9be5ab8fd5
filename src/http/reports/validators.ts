/** What the report routes accept: a grouping, a format, a language and the filters of issue 15. */
import { z } from 'zod';
import { worded } from '../../errors';
import { endOfDay, isCalendarDate, startOfDay } from '../../calendar';
import { DEFAULT_PROPOSAL_LANGUAGE, PROPOSAL_LANGUAGES } from '../../proposals/input';
import { CHARTS } from '../../reports/charts';
import { MARGIN_GROUPINGS } from '../../reports/margin';
import { REPORT_FORMATS, type MarginQuery } from '../../reports/service';
import { APPROVAL_LEVELS, QUOTE_STATES, TIER_CODE_PATTERN, safeTextCheck } from '../../domain';

/**
 * A bound on when quotes were created: a date-time with Z or an offset, or a calendar date, which
 * means a whole day in China, so `from=2026-11-01&to=2026-11-30` is November in Beijing. Both
 * inclusive; normalized to ISO UTC.
 */
const createdBound = (edge: 'start' | 'end') =>
  z
    .union([z.iso.date(), z.iso.datetime({ offset: true })], {
      error: 'must be an ISO 8601 date (2026-11-01) or date-time (2026-11-01T08:00:00Z)',
    })
    .transform((value) => {
      if (!isCalendarDate(value)) return new Date(value).toISOString();
      return (edge === 'start' ? startOfDay(value) : endOfDay(value)).toISOString();
    });

/** An id to filter by: the same characters a stored id may hold, so both stores answer alike. */
const idFilter = z.string().min(1).max(64).check(safeTextCheck);

/** One state or several: `state=issued&state=accepted` or `state=issued,accepted`. */
const states = z.preprocess(
  (value) =>
    (Array.isArray(value) ? value : [value]).flatMap((part) =>
      typeof part === 'string' ? part.split(',') : [part],
    ),
  z.array(z.enum(QUOTE_STATES, { error: `must be one of ${QUOTE_STATES.join(', ')}` })).min(1),
);

const lang = z
  .enum(PROPOSAL_LANGUAGES, { error: `must be one of ${PROPOSAL_LANGUAGES.join(', ')}` })
  .default(DEFAULT_PROPOSAL_LANGUAGE)
  .describe(
    `the language of names and headings: ${PROPOSAL_LANGUAGES.join(' or ')} (default ${DEFAULT_PROPOSAL_LANGUAGE})`,
  );

const filters = {
  from: createdBound('start')
    .optional()
    .describe('created at or after this instant, or on or after this date (China time)'),
  to: createdBound('end')
    .optional()
    .describe('created at or before this instant, or on or before this date (China time)'),
  state: states
    .optional()
    .describe(
      'only quotes in these states (repeat it, or separate with commas); an open quote past its validity counts as expired',
    ),
  tier: z
    .string()
    .regex(TIER_CODE_PATTERN, {
      message: worded('must be a tier code such as key', 'issues.tierCode'),
    })
    .optional(),
  industry: idFilter.optional().describe('the enterprise industry the request declared'),
  accountManagerId: idFilter.optional().describe('the account manager’s user id (GET /api/users)'),
  enterpriseId: idFilter.optional(),
  approvalLevel: z.enum(APPROVAL_LEVELS).optional(),
  ruleSetHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, {
      message: worded('must be a rule-set hash (64 hex digits)', 'issues.ruleSetHash'),
    })
    .optional(),
  lang,
};

function fromBeforeTo(query: { from?: string; to?: string }, context: z.RefinementCtx): void {
  if (query.from && query.to && query.from > query.to) {
    context.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  }
}

export const marginReportQuery = z
  .strictObject({
    groupBy: z
      .enum(MARGIN_GROUPINGS, { error: `must be one of ${MARGIN_GROUPINGS.join(', ')}` })
      .default('accountManager')
      .describe('one row per quote, per key, or per component (default accountManager)'),
    pareto: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .optional()
      .transform((value) => value === 'true')
      .describe('with groupBy=enterprise: the 80/20 view, cumulative shares and loss-makers'),
    format: z
      .enum(REPORT_FORMATS, { error: `must be one of ${REPORT_FORMATS.join(', ')}` })
      .default('json')
      .describe('json (default), csv (RFC 4180, UTF-8 with BOM) or xlsx'),
    ...filters,
  })
  .superRefine((query, context) => {
    fromBeforeTo(query, context);
    if (query.pareto && query.groupBy !== 'enterprise') {
      context.addIssue({
        code: 'custom',
        path: ['pareto'],
        message: 'the 80/20 view needs groupBy=enterprise',
      });
    }
  });

export const marginChartQuery = z
  .strictObject({
    chart: z
      .enum(CHARTS, { error: `must be one of ${CHARTS.join(', ')}` })
      .describe(`which chart: ${CHARTS.join(', ')}`),
    ...filters,
  })
  .superRefine(fromBeforeTo);

export const monthlyReportQuery = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, {
      message: worded('must be a month such as 2026-11', 'issues.month'),
    })
    .describe('the month (YYYY-MM, China time) whose quotes the report covers'),
  lang,
});

/** The service's query from the route's parsed one. */
export function marginQueryOf(
  query: Omit<z.output<typeof marginChartQuery>, 'chart'> & {
    groupBy?: MarginQuery['groupBy'];
    pareto?: boolean;
  },
): MarginQuery {
  const margin: MarginQuery = { groupBy: query.groupBy ?? 'accountManager', lang: query.lang };
  if (query.pareto) margin.pareto = true;
  if (query.from !== undefined) margin.createdFrom = query.from;
  if (query.to !== undefined) margin.createdTo = query.to;
  if (query.state !== undefined) margin.states = query.state;
  if (query.tier !== undefined) margin.tier = query.tier;
  if (query.industry !== undefined) margin.industry = query.industry;
  if (query.accountManagerId !== undefined) margin.accountManagerId = query.accountManagerId;
  if (query.enterpriseId !== undefined) margin.enterpriseId = query.enterpriseId;
  if (query.approvalLevel !== undefined) margin.approvalLevel = query.approvalLevel;
  if (query.ruleSetHash !== undefined) margin.ruleSetHash = query.ruleSetHash;
  return margin;
}
