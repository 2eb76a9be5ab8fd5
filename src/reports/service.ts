/**
 * The report service (issue 15): margin reports, their charts, the monthly finance report and the
 * list of users, each as one function that takes the acting user. It authorizes (policy.ts),
 * narrows what an account manager may see, reads figures from the Store and hands them to the pure
 * report core (margin.ts, pareto.ts, components.ts). No HTTP in here: a report is written to any
 * stream.
 */
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { AppError } from '../errors';
import { BUSINESS_TIME_ZONE, addDays, calendarDate, endOfDay, startOfDay } from '../calendar';
import type { ProposalLanguage } from '../proposals/input';
import { withoutInternals, type ProposalRenderer } from '../proposals/renderer';
import { OPEN_STATES } from '../quotes/lifecycle';
import { SEES_INTERNAL_FIGURES, authorize, type Actor } from '../quotes/policy';
import { RuleSetCache } from '../quotes/replay';
import type { Clock } from '../quotes/service';
import type { RuleSet } from '../rules/compile';
import type {
  FigureGrouping,
  FigureSums,
  MarginFilter,
  QuoteComponentsSource,
  Store,
  User,
} from '../store/types';
import {
  approvalMixChart,
  marginByMonthChart,
  marginPctByAccountManagerChart,
  paretoChart,
  type ChartName,
} from './charts';
import { ComponentTotals, splitQuote, type UnitCosts } from './components';
import { writeCsv } from './csv';
import { writeJson } from './json';
import { componentLabel, groupLabel, reportLocale, stateLabel, type UserNames } from './labels';
import {
  FIGURES,
  INTERNAL_FIGURES,
  figuresOf,
  quoteRowOf,
  sortRows,
  visibleFigures,
  type MarginFigures,
  type MarginGroupRow,
  type MarginGrouping,
  type MarginQuoteRow,
} from './margin';
import { monthlyReportPrintJob, type MonthlyReportData } from './monthly';
import { pareto, type Pareto } from './pareto';
import { fieldColumn, figureColumn, type ReportColumn, type ReportTable } from './table';
import { writeXlsx } from './xlsx';
import { ROLES } from '../domain';
import type { Locale } from '../proposals/locale';

/** What a margin report is asked for: its grouping, its filters, its language. */
/** The store's filter (without the expiry the service supplies), and how to group and word it. */
export type MarginQuery = Omit<MarginFilter, 'expiry'> & {
  groupBy: MarginGrouping;
  /** groupBy=enterprise only: the 80/20 view. */
  pareto?: boolean;
  lang: ProposalLanguage;
};

export const REPORT_FORMATS = ['json', 'csv', 'xlsx'] as const;
export const CSV_MEDIA_TYPE = 'text/csv';
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** A report ready to be written: authorized and planned, nothing read or written yet. */
export interface ReportDownload {
  contentType: string;
  /** ASCII: `margin-accountManager-2026-11-27.csv`. */
  filename: string;
  write(out: Writable): Promise<void>;
}

/** A user as finance sees them in a list: who they are and whether they may still sign in. */
export const userViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  active: z
    .boolean()
    .describe('whether the user may sign in; every user is, as users are never deactivated yet'),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userViewSchema>;
export const userListSchema = z.strictObject({ items: z.array(userViewSchema) });

export interface PrintedReport {
  pdf: Buffer;
  filename: string;
}

export interface ReportServiceOptions {
  store: Store;
  /** The rule set in force (its unit costs split components without a read). */
  ruleSet?: RuleSet;
  clock?: Clock;
  /** Prints the monthly report; without one, printing answers AppError('unavailable'). */
  renderer?: ProposalRenderer;
}

/**
 * How many quotes an export reads and writes at a time. Small pages die young: with 1,000 a page,
 * a CSV of 100,000 quotes on SQLite raised the service's memory by some 80 MB of garbage awaiting
 * collection; with 250, by a few MB, as fast.
 */
const EXPORT_PAGE_SIZE = 250;
/**
 * exceljs allocates so much per row that a page of 250 outlived the young-generation collections
 * made while it was written, and went to the old generation to wait for the next full collection:
 * an XLSX of every quote grew the service by most of the rows read. A page of 50 dies young.
 */
const XLSX_PAGE_SIZE = 50;
/** Component splits read each quote's items: smaller pages. */
const COMPONENT_PAGE_SIZE = 500;
/** The monthly report's margin-by-month chart shows this many months, ending with its own. */
const MONTHS_CHARTED = 12;

export class ReportService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly renderer: ProposalRenderer | undefined;
  private readonly ruleSets: RuleSetCache;
  private readonly unitCosts = new Map<string, UnitCosts>();

  constructor(options: ReportServiceOptions) {
    this.store = options.store;
    this.clock = options.clock ?? (() => new Date());
    this.renderer = options.renderer;
    this.ruleSets = new RuleSetCache(options.store, options.ruleSet ? [options.ruleSet] : []);
  }

  /**
   * A margin report as JSON, CSV or XLSX. An account manager's report counts only their own
   * quotes (another manager's id gives an empty report, as a list does) and carries no costs,
   * margin or margin %; the 80/20 view and the component split, which are about margin and
   * costs, are refused them. Checks everything before the download is written.
   */
  async marginReport(
    actor: Actor,
    query: MarginQuery,
    format: ReportFormat,
  ): Promise<ReportDownload> {
    const scope = authorize(actor, 'report.margin');
    const seesInternal = SEES_INTERNAL_FIGURES[actor.role];
    if (!seesInternal && (query.pareto || query.groupBy === 'component')) {
      throw new AppError(
        'forbidden',
        `the role ${actor.role} sees no costs or margin, so no ${query.pareto ? '80/20 view' : 'component split'}`,
        { allowedRoles: ROLES.filter((role) => SEES_INTERNAL_FIGURES[role]) },
      );
    }
    if (query.pareto && query.groupBy !== 'enterprise') {
      throw AppError.invalidInput([
        { path: 'query.pareto', message: 'the 80/20 view needs groupBy=enterprise' },
      ]);
    }
    let filter = this.filterOf(query);
    if (scope === 'own') {
      filter =
        query.accountManagerId !== undefined && query.accountManagerId !== actor.id
          ? { ...filter, states: [] }
          : { ...filter, accountManagerId: actor.id };
    }
    const locale = reportLocale(query.lang);
    const users = await this.userNames();
    const figures = FIGURES.filter((figure) => seesInternal || !INTERNAL_FIGURES.includes(figure));
    const visible = <Row extends MarginFigures>(row: Row) => visibleFigures(row, seesInternal);
    const head = {
      groupBy: query.groupBy,
      currency: 'CNY',
      lang: query.lang,
      generatedAt: this.clock().toISOString(),
      filters: filtersEcho(query, filter),
      figures,
    };
    const stem = `margin-${query.groupBy}${query.pareto ? '-pareto' : ''}-${calendarDate(this.clock())}`;

    let table: ReportTable<MarginQuoteRow> | ReportTable<MarginGroupRow>;
    let tail: Record<string, unknown> = {};
    if (query.groupBy === 'quote') {
      const pageSize = format === 'xlsx' ? XLSX_PAGE_SIZE : EXPORT_PAGE_SIZE;
      table = this.quoteTable(filter, pageSize, locale, users, figures, visible);
    } else {
      const { rows, total, view } = await this.groupedRows(query.groupBy, filter, locale, users, {
        pareto: query.pareto === true,
      });
      if (view) {
        tail = {
          pareto: {
            basis: view.basis,
            threshold: view.threshold,
            vitalFew: view.vitalFew,
            enterprises: view.enterprises,
            vitalFewShare: view.vitalFewShare,
            lossMakers: view.lossMakers.map((row) => row.key),
          },
        };
      }
      table = groupTable(query.groupBy, locale, figures, rows.map(visible), total, {
        pareto: view !== undefined,
      });
    }
    const writeTable = table as ReportTable<unknown>;
    switch (format) {
      case 'json':
        return {
          contentType: 'application/json; charset=utf-8',
          filename: `${stem}.json`,
          write: (out) => writeJson(writeTable, out, head, tail, visible),
        };
      case 'csv':
        return {
          contentType: `${CSV_MEDIA_TYPE}; charset=utf-8; header=present`,
          filename: `${stem}.csv`,
          write: (out) => writeCsv(writeTable, out),
        };
      case 'xlsx':
        return {
          contentType: XLSX_MEDIA_TYPE,
          filename: `${stem}.xlsx`,
          write: (out) => writeXlsx(writeTable, out, locale),
        };
    }
  }

  /** One chart of the quotes `query` matches, as SVG. */
  async chart(actor: Actor, chart: ChartName, query: MarginQuery): Promise<string> {
    authorize(actor, 'report.chart');
    const filter = this.filterOf(query);
    const locale = reportLocale(query.lang);
    const users = await this.userNames();
    const grouped = (groupBy: FigureGrouping) => this.groupedRows(groupBy, filter, locale, users);
    switch (chart) {
      case 'margin-by-month':
        return marginByMonthChart((await grouped('month')).rows, locale);
      case 'margin-pct-by-account-manager':
        return marginPctByAccountManagerChart((await grouped('accountManager')).rows, locale);
      case 'pareto':
        return paretoChart(pareto((await grouped('enterprise')).rows), locale);
      case 'approval-mix':
        return approvalMixChart((await grouped('approvalLevel')).rows, locale);
    }
  }

  /** The monthly finance report of the quotes created in `month` (YYYY-MM, China), as a PDF. */
  async monthlyReport(actor: Actor, month: string, lang: ProposalLanguage): Promise<PrintedReport> {
    authorize(actor, 'report.pdf');
    if (!this.renderer) throw new AppError('unavailable', 'this service has no PDF renderer');
    const data = await this.monthlyReportData(month, lang);
    const pdf = await this.renderer.print(monthlyReportPrintJob(data)).catch((error: unknown) => {
      throw withoutInternals(error);
    });
    return { pdf, filename: `finance-report-${month}-${lang}.pdf` };
  }

  /** What the monthly report shows, read on the store's snapshots. */
  async monthlyReportData(month: string, lang: ProposalLanguage): Promise<MonthlyReportData> {
    const first = `${month}-01`;
    const last = addDays(`${nextMonth(month)}-01`, -1);
    const chartedFrom = `${monthsBefore(month, MONTHS_CHARTED - 1)}-01`;
    const base = this.filterOf({ groupBy: 'month', lang });
    const filter: MarginFilter = {
      ...base,
      createdFrom: startOfDay(first).toISOString(),
      createdTo: endOfDay(last).toISOString(),
    };
    const locale = reportLocale(lang);
    const users = await this.userNames();
    const grouped = (groupBy: FigureGrouping, over: MarginFilter = filter) =>
      this.groupedRows(groupBy, over, locale, users);
    const [months, byAccountManager, byTier, approvalMix, enterprises, components] =
      await Promise.all([
        grouped('month', { ...filter, createdFrom: startOfDay(chartedFrom).toISOString() }),
        grouped('accountManager'),
        grouped('tier'),
        grouped('approvalLevel'),
        grouped('enterprise'),
        this.componentRows(filter, locale),
      ]);
    const now = this.clock();
    return {
      month,
      lang,
      period: { from: first, to: last },
      generatedAt: `${calendarDate(now)} ${chinaTime(now)}`,
      total: figuresOf(byAccountManager.sums),
      months: months.rows,
      byAccountManager: byAccountManager.rows,
      byTier: byTier.rows,
      approvalMix: approvalMix.rows,
      pareto: pareto(enterprises.rows),
      components: components.rows,
    };
  }

  /** Every user, for finance and admin. */
  async users(actor: Actor): Promise<{ items: UserView[] }> {
    authorize(actor, 'user.list');
    const users = await this.store.listUsers();
    return { items: users.map(userView) };
  }

  /** The filter a query asks for, counting open quotes past their validity as expired. */
  private filterOf(query: MarginQuery): MarginFilter {
    const filter: MarginFilter = {
      expiry: { openStates: OPEN_STATES, now: this.clock().toISOString() },
    };
    if (query.createdFrom !== undefined) filter.createdFrom = query.createdFrom;
    if (query.createdTo !== undefined) filter.createdTo = query.createdTo;
    if (query.states !== undefined) filter.states = query.states;
    if (query.tier !== undefined) filter.tier = query.tier;
    if (query.industry !== undefined) filter.industry = query.industry;
    if (query.accountManagerId !== undefined) filter.accountManagerId = query.accountManagerId;
    if (query.enterpriseId !== undefined) filter.enterpriseId = query.enterpriseId;
    if (query.approvalLevel !== undefined) filter.approvalLevel = query.approvalLevel;
    if (query.ruleSetHash !== undefined) filter.ruleSetHash = query.ruleSetHash;
    return filter;
  }

  private async userNames(): Promise<UserNames> {
    return new Map((await this.store.listUsers()).map((user) => [user.id, user.name]));
  }

  /** Rows grouped by a stored key (or by component), labelled and in report order; with the 80/20 view when asked. */
  private async groupedRows(
    groupBy: Exclude<MarginGrouping, 'quote'>,
    filter: MarginFilter,
    locale: Locale,
    users: UserNames,
    options: { pareto?: boolean } = {},
  ): Promise<{
    rows: MarginGroupRow[];
    sums: FigureSums;
    total: Required<MarginFigures>;
    view?: Pareto;
  }> {
    if (groupBy === 'component') {
      const { rows, sums } = await this.componentRows(filter, locale);
      return { rows, sums, total: figuresOf(sums) };
    }
    const { groups, total } = await this.store.sumQuoteFigures(filter, groupBy);
    const rows = sortRows(
      groups.map((group) => ({
        key: group.key,
        label: groupLabel(locale, groupBy, group.key, {
          users,
          ...(group.name !== undefined ? { enterpriseName: group.name } : {}),
        }),
        ...figuresOf(group),
      })),
      groupBy,
    );
    if (options.pareto) {
      const view = pareto(rows);
      return { rows: view.rows, sums: total, total: figuresOf(total), view };
    }
    return { rows, sums: total, total: figuresOf(total) };
  }

  /** The component split of every quote `filter` matches, summed per component. */
  private async componentRows(
    filter: MarginFilter,
    locale: Locale,
  ): Promise<{ rows: MarginGroupRow[]; sums: FigureSums }> {
    const totals = new ComponentTotals();
    const sums = await this.store.readQuoteComponents(
      filter,
      COMPONENT_PAGE_SIZE,
      async (page: QuoteComponentsSource[]) => {
        for (const source of page) {
          totals.add(splitQuote(source, await this.unitCostsOf(source.ruleSetHash)));
        }
      },
    );
    const rows = sortRows(
      totals.rows((component) => componentLabel(locale, component)),
      'component',
    );
    return { rows, sums };
  }

  /** The unit costs of the rule set a quote was priced with (§5), by item code. */
  private async unitCostsOf(hash: string): Promise<UnitCosts> {
    let costs = this.unitCosts.get(hash);
    if (!costs) {
      const ruleSet = await this.ruleSets.get(hash);
      costs = new Map(ruleSet.items.map((item) => [item.code, item.unitCostValue]));
      this.unitCosts.set(hash, costs);
    }
    return costs;
  }

  /** A report of one row per quote, read and written a page at a time. */
  private quoteTable(
    filter: MarginFilter,
    pageSize: number,
    locale: Locale,
    users: UserNames,
    figures: readonly (typeof FIGURES)[number][],
    visible: <Row extends MarginFigures>(row: Row) => Row,
  ): ReportTable<MarginQuoteRow> {
    const text = (id: keyof MarginQuoteRow & string) =>
      fieldColumn<MarginQuoteRow>(locale, id, 'text');
    const coded = (id: 'tier' | 'industry' | 'approvalLevel', prefix: string) =>
      fieldColumn<MarginQuoteRow>(
        locale,
        id,
        'text',
        (row) => locale.optionalText(`${prefix}.${row[id]}`) ?? row[id],
      );
    const columns: ReportColumn<MarginQuoteRow>[] = [
      text('number'),
      fieldColumn<MarginQuoteRow>(locale, 'createdAt', 'instant'),
      fieldColumn<MarginQuoteRow>(locale, 'state', 'text', (row) => stateLabel(locale, row.state)),
      text('enterpriseId'),
      text('enterpriseName'),
      text('accountManagerId'),
      text('accountManagerName'),
      coded('tier', 'tiers'),
      coded('industry', 'industries'),
      coded('approvalLevel', 'approval.levels'),
      text('ruleSetHash'),
      ...figures
        .filter((figure) => figure !== 'quotes')
        .map((figure) => figureColumn<MarginQuoteRow>(locale, figure)),
    ];
    return {
      name: locale.text('report.title'),
      totalLabel: locale.text('report.total'),
      columns,
      produce: async (emit) => {
        const sums = await this.store.readQuoteFigures(filter, pageSize, (page) =>
          emit(
            page.map((quote) =>
              visible(
                quoteRowOf(quote, users.get(quote.accountManagerId) ?? quote.accountManagerId),
              ),
            ),
          ),
        );
        return visible(figuresOf(sums));
      },
    };
  }
}

/** A report of one row per group, all in hand. */
function groupTable(
  groupBy: Exclude<MarginGrouping, 'quote'>,
  locale: Locale,
  figures: readonly (typeof FIGURES)[number][],
  rows: readonly MarginGroupRow[],
  total: MarginFigures,
  options: { pareto: boolean },
): ReportTable<MarginGroupRow> {
  const columns: ReportColumn<MarginGroupRow>[] = [
    {
      ...fieldColumn<MarginGroupRow>(locale, 'key', 'text'),
      header: locale.text(`report.groups.${groupBy}`),
    },
    fieldColumn<MarginGroupRow>(locale, 'label', 'text'),
    ...(groupBy === 'component'
      ? [
          fieldColumn<MarginGroupRow>(locale, 'kind', 'text', (row) =>
            locale.text(`report.componentKinds.${row.kind ?? 'cost'}`),
          ),
        ]
      : []),
    ...figures.map((figure) => figureColumn<MarginGroupRow>(locale, figure)),
    ...(options.pareto
      ? [
          fieldColumn<MarginGroupRow>(locale, 'share', 'percent'),
          fieldColumn<MarginGroupRow>(locale, 'cumulativeShare', 'percent'),
        ]
      : []),
  ];
  return {
    name: locale.text('report.title'),
    totalLabel: locale.text('report.total'),
    columns,
    produce: async (emit) => {
      await emit(rows);
      return total;
    },
  };
}

/** The filters a report was made with, as it echoes them (instants as the store read them). */
function filtersEcho(query: MarginQuery, filter: MarginFilter): Record<string, unknown> {
  const echo: Record<string, unknown> = {};
  for (const key of [
    'createdFrom',
    'createdTo',
    'tier',
    'industry',
    'accountManagerId',
    'enterpriseId',
    'approvalLevel',
    'ruleSetHash',
  ] as const) {
    if (filter[key] !== undefined) echo[key] = filter[key];
  }
  if (query.states !== undefined) echo.state = query.states;
  if (query.pareto) echo.pareto = true;
  echo.expiredAsOf = filter.expiry.now;
  return echo;
}

function userView(user: User): UserView {
  return { id: user.id, name: user.name, role: user.role, active: true, createdAt: user.createdAt };
}

/** YYYY-MM of the month after. */
function nextMonth(month: string): string {
  return monthsBefore(month, -1);
}

/** YYYY-MM of `count` months before (after, when negative). */
function monthsBefore(month: string, count: number): string {
  const [year = 0, number = 1] = month.split('-').map((part) => Number.parseInt(part, 10));
  const index = year * 12 + (number - 1) - count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** HH:MM of an instant in China. */
function chinaTime(instant: Date): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: BUSINESS_TIME_ZONE,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(instant);
}
