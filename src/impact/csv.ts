/**
 * An impact analysis as a spreadsheet: one row per enterprise, each figure before, after and its
 * change, and a total row that is the summary's. Written by the reports' CSV writer, so it is
 * Excel-safe the same way (BOM, CRLF, a name that looks like a formula neutralised).
 */
import type { Writable } from 'node:stream';
import type { ProposalLanguage } from '../proposals/input';
import { writeCsv } from '../reports/csv';
import { reportLocale } from '../reports/labels';
import type { ReportColumn, ReportTable } from '../reports/table';
import {
  changed,
  rowDeltas,
  standingOf,
  type ImpactRow,
  type ImpactSide,
  type ImpactSummary,
} from './compare';

type Totals = Record<string, string>;
type Column = ReportColumn<ImpactRow, Totals>;

const PAGE = 1000;

export async function writeImpactCsv(
  rows: readonly ImpactRow[],
  summary: ImpactSummary,
  lang: ProposalLanguage,
  out: Writable,
): Promise<void> {
  await writeCsv(impactTable(rows, summary, lang), out);
}

export function impactTable(
  rows: readonly ImpactRow[],
  summary: ImpactSummary,
  lang: ProposalLanguage,
): ReportTable<ImpactRow, Totals> {
  const locale = reportLocale(lang);
  const yesNo = (value: boolean) => locale.text(value ? 'common.yes' : 'common.no');
  const reportColumn = (key: string) => locale.text(`report.columns.${key}`);
  const impactColumn = (key: string) => locale.text(`impact.columns.${key}`);
  const sides = (
    id: string,
    header: string,
    kind: Column['kind'],
    value: (side: ImpactSide) => string | undefined,
  ): Column[] =>
    (['before', 'after'] as const).map((side) => ({
      id: `${id}.${side}`,
      header: locale.text(`impact.${side}`, { column: header }),
      kind,
      value: (row) => value(row[side]),
    }));
  const figure = (
    id: 'monthlyNet' | 'contractValue' | 'margin' | 'marginPct',
    header: string,
  ): Column[] => {
    const kind = id === 'marginPct' ? 'percent' : 'money';
    return [
      ...sides(id, header, kind, (side) => side[id]).map((column) => ({
        ...column,
        figure: column.id,
      })),
      {
        id: `${id}.delta`,
        header: locale.text('impact.delta', { column: header }),
        kind,
        value: (row) => rowDeltas(row)[id],
        figure: `${id}.delta`,
      },
    ];
  };
  const columns: Column[] = [
    {
      id: 'enterpriseId',
      header: reportColumn('enterpriseId'),
      kind: 'text',
      value: (row) => row.enterpriseId,
    },
    {
      id: 'enterpriseName',
      header: reportColumn('enterpriseName'),
      kind: 'text',
      value: (row) => row.enterpriseName,
    },
    { id: 'number', header: reportColumn('number'), kind: 'text', value: (row) => row.quoteNumber },
    ...sides('eligible', impactColumn('eligible'), 'text', (side) => yesNo(side.eligible)),
    ...sides('tier', reportColumn('tier'), 'text', (side) => side.tier),
    ...sides('approvalLevel', reportColumn('approvalLevel'), 'text', standingOf),
    ...figure('monthlyNet', impactColumn('monthlyNet')),
    ...figure('contractValue', reportColumn('contractValue')),
    ...figure('margin', reportColumn('margin')),
    ...figure('marginPct', reportColumn('marginPct')),
    {
      id: 'changed',
      header: impactColumn('changed'),
      kind: 'text',
      value: (row) => yesNo(changed(row)),
    },
    ...sides('problem', impactColumn('problem'), 'text', (side) => side.problem),
  ];
  const totals: Totals = {};
  for (const id of ['monthlyNet', 'contractValue', 'margin', 'marginPct'] as const) {
    totals[`${id}.before`] = summary.before[id];
    totals[`${id}.after`] = summary.after[id];
    totals[`${id}.delta`] = summary.delta[id];
  }
  return {
    name: 'impact',
    totalLabel: locale.text('impact.total'),
    columns,
    async produce(emit) {
      for (let start = 0; start < rows.length; start += PAGE)
        await emit(rows.slice(start, start + PAGE));
      return totals;
    },
  };
}
