/**
 * The monthly finance report (issue 15) as HTML for the PDF renderer: the month's figures in
 * tables, the charts as SVG images (data: URLs, which is all the renderer's pages may load), and
 * the running header and footer. Pure apart from reading the templates once: data in, HTML out.
 * Every value is escaped by handlebars (`{{ }}` only, no triple-stash).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { formatDate, formatYuan, groupThousands } from '../proposals/format';
import { TEMPLATES_DIR, type ProposalPrintJob } from '../proposals/html';
import type { ProposalLanguage } from '../proposals/input';
import type { Locale } from '../proposals/locale';
import {
  approvalMixChart,
  marginByMonthChart,
  marginPctByAccountManagerChart,
  paretoChart,
} from './charts';
import { svgImage } from '../charts/svg';
import { reportLocale } from './labels';
import type { MarginFigures, MarginGroupRow } from './margin';
import type { Pareto } from './pareto';

/** Enterprises listed by name in the report's 80/20 table; the rest are counted. */
export const ENTERPRISES_LISTED = 20;

export interface MonthlyReportData {
  /** YYYY-MM, in China. */
  month: string;
  lang: ProposalLanguage;
  /** Calendar dates (YYYY-MM-DD) of the month's first and last day. */
  period: { from: string; to: string };
  /** When it was made: a calendar date and a time, in China. */
  generatedAt: string;
  total: Required<MarginFigures>;
  /** The months up to and including this one, oldest first, for the margin-by-month chart. */
  months: MarginGroupRow[];
  byAccountManager: MarginGroupRow[];
  byTier: MarginGroupRow[];
  approvalMix: MarginGroupRow[];
  pareto: Pareto;
  components: MarginGroupRow[];
}

interface ReportTemplates {
  report: HandlebarsTemplateDelegate;
  header: HandlebarsTemplateDelegate;
  footer: HandlebarsTemplateDelegate;
}

const compiled = new Map<string, ReportTemplates>();

function templates(templatesDir: string): ReportTemplates {
  let set = compiled.get(templatesDir);
  if (!set) {
    set = compile(templatesDir);
    compiled.set(templatesDir, set);
  }
  return set;
}

type HelperOptions = Handlebars.HelperOptions & { data: { locale: Locale } };

function compile(templatesDir: string): ReportTemplates {
  const handlebars = Handlebars.create();
  const read = (name: string) => readFileSync(join(templatesDir, name), 'utf8');
  handlebars.registerPartial('styles', read('styles.css'));
  handlebars.registerPartial('fonts', read('fonts.css'));
  handlebars.registerPartial('report-styles', read('report-styles.css'));
  handlebars.registerPartial('report-table', read('report-table.hbs'));
  handlebars.registerHelper('t', (key: unknown, options: HelperOptions) => {
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.hash as Record<string, unknown>)) {
      values[name] = String(value);
    }
    return options.data.locale.text(String(key), values);
  });
  handlebars.registerHelper('money', (amount: unknown) =>
    amount === undefined ? '' : formatYuan(String(amount)),
  );
  // Percent points as the report writes them, to 0.01 (`78.20`): under a heading that says %.
  handlebars.registerHelper('points', (points: unknown) =>
    points === undefined ? '' : groupThousands(String(points)),
  );
  handlebars.registerHelper('percent', (points: unknown) =>
    points === undefined ? '' : `${groupThousands(String(points))}%`,
  );
  handlebars.registerHelper('pageOf', (options: HelperOptions) => {
    const words = handlebars.escapeExpression(
      options.data.locale.text('page.of', { page: '\u0000page\u0000', pages: '\u0000pages\u0000' }),
    );
    return new handlebars.SafeString(
      words
        .replace('\u0000pages\u0000', '<span class="totalPages"></span>')
        .replace('\u0000page\u0000', '<span class="pageNumber"></span>'),
    );
  });
  const template = (name: string) =>
    handlebars.compile(read(name), { strict: true, preventIndent: true });
  return {
    report: template('report-margin.hbs'),
    header: template('report-page-header.hbs'),
    footer: template('report-page-footer.hbs'),
  };
}

function isLoss(row: MarginFigures): boolean {
  return (row.margin ?? '').startsWith('-');
}

/** The month in the locale's words: `2026年11月`, `November 2026`. */
export function monthName(locale: Locale, month: string): string {
  const [year = '', number = ''] = month.split('-');
  const index = Number.parseInt(number, 10) - 1;
  return locale.text('report.monthName', {
    year,
    month: String(index + 1),
    monthName: locale.dateWords.monthNames[index] ?? number,
  });
}

/** The report's HTML, header and footer, as the renderer prints them. */
export function monthlyReportPrintJob(
  data: MonthlyReportData,
  templatesDir: string = TEMPLATES_DIR,
): ProposalPrintJob {
  const locale = reportLocale(data.lang, templatesDir);
  const set = templates(templatesDir);
  const rows = (list: readonly MarginGroupRow[], extra: Partial<Record<string, unknown>> = {}) =>
    list.map((row) => ({ ...row, loss: isLoss(row), showKey: false, kindName: '', ...extra }));
  const listed = data.pareto.rows.slice(0, ENTERPRISES_LISTED);
  const view = {
    month: data.month,
    monthName: monthName(locale, data.month),
    periodFrom: formatDate(data.period.from, locale.dateWords),
    periodTo: formatDate(data.period.to, locale.dateWords),
    generatedAt: data.generatedAt,
    total: { ...data.total, loss: isLoss(data.total) },
    byAccountManager: rows(data.byAccountManager),
    byTier: rows(data.byTier),
    topEnterprises: rows(listed, { showKey: true }),
    moreEnterprises: Math.max(0, data.pareto.rows.length - listed.length),
    lossMakers: data.pareto.lossMakers,
    components: data.components.map((row) => ({
      ...row,
      loss: isLoss(row),
      showKey: false,
      kindName: locale.text(`report.componentKinds.${row.kind ?? 'cost'}`),
    })),
    charts: {
      marginByMonth: svgImage(marginByMonthChart(data.months, locale)),
      marginPctByAccountManager: svgImage(
        marginPctByAccountManagerChart(data.byAccountManager, locale),
      ),
      pareto: svgImage(paretoChart(data.pareto, locale)),
      approvalMix: svgImage(approvalMixChart(data.approvalMix, locale)),
    },
  };
  const runtime = { data: { locale } };
  return {
    html: set.report(view, runtime),
    headerTemplate: set.header(view, runtime),
    footerTemplate: set.footer(view, runtime),
  };
}
