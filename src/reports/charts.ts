/**
 * The report's charts as SVG, drawn on the server through src/charts (ECharts' server-side SVG
 * renderer): margin by month, margin % by account manager, the 80/20 curve of enterprises and the
 * approval mix. Pure: report rows in, SVG text out. Figures reach ECharts as JS numbers (it can
 * plot nothing else); the exact strings go into the labels where a figure is printed.
 */
import {
  BLUE,
  DEFAULT_CHART_SIZE,
  GREEN,
  GREY,
  MUTED,
  NAVY,
  RED,
  SKY,
  svgOf,
  title,
  UNOUTLINED,
  yuanAxisLabel,
  type ChartSize,
} from '../charts/svg';
import { displayNumber } from '../money/money';
import type { Locale } from '../proposals/locale';
import type { MarginGroupRow } from './margin';
import type { Pareto } from './pareto';

export const CHARTS = [
  'margin-by-month',
  'margin-pct-by-account-manager',
  'pareto',
  'approval-mix',
] as const;
export type ChartName = (typeof CHARTS)[number];

export { DEFAULT_CHART_SIZE, type ChartSize };

/** Enterprises drawn one by one on the 80/20 chart; the rest are drawn together. */
export const PARETO_BARS = 15;

const APPROVAL_COLOURS: Record<string, string> = {
  auto: GREEN,
  'pricing-manager': BLUE,
  'finance-director': '#d98c1f',
  rejected: RED,
};

function empty(locale: Locale, heading: string, size: ChartSize): string {
  return svgOf(
    {
      title: [
        title(heading),
        {
          text: locale.text('report.charts.empty'),
          left: 'center',
          top: 'middle',
          textStyle: { fontSize: 13, color: MUTED, fontWeight: 'normal' },
        },
      ],
    },
    size,
  );
}

/** Revenue, cost and margin per month (bars), margin % (line, right axis). Months oldest first. */
export function marginByMonthChart(
  months: readonly MarginGroupRow[],
  locale: Locale,
  size: ChartSize = DEFAULT_CHART_SIZE,
): string {
  const heading = locale.text('report.charts.marginByMonth');
  if (months.length === 0) return empty(locale, heading, size);
  const words = (key: string) => locale.text(`report.charts.${key}`);
  const figure = (row: MarginGroupRow, name: 'revenueExclTax' | 'totalCost' | 'margin') =>
    displayNumber(row[name] ?? '0');
  return svgOf(
    {
      title: title(heading, locale.text('report.charts.yuan')),
      legend: { top: 8, right: 12, textStyle: { fontSize: 11 } },
      grid: { left: 96, right: 64, top: 64, bottom: 40 },
      xAxis: { type: 'category', data: months.map((row) => row.key) },
      yAxis: [
        { type: 'value', axisLabel: yuanAxisLabel },
        { type: 'value', axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
      ],
      series: [
        {
          name: words('revenue'),
          type: 'bar',
          itemStyle: { color: SKY },
          data: months.map((row) => figure(row, 'revenueExclTax')),
        },
        {
          name: words('cost'),
          type: 'bar',
          itemStyle: { color: GREY },
          data: months.map((row) => figure(row, 'totalCost')),
        },
        {
          name: words('margin'),
          type: 'bar',
          itemStyle: { color: NAVY },
          data: months.map((row) => ({
            value: figure(row, 'margin'),
            itemStyle: { color: (row.margin ?? '').startsWith('-') ? RED : NAVY },
          })),
        },
        {
          name: words('marginPct'),
          type: 'line',
          yAxisIndex: 1,
          itemStyle: { color: '#d98c1f' },
          data: months.map((row) => displayNumber(row.marginPct ?? '0')),
        },
      ],
    },
    size,
  );
}

/** Each account manager's margin % (bars, lowest at the bottom), labelled with the exact figure. */
export function marginPctByAccountManagerChart(
  managers: readonly MarginGroupRow[],
  locale: Locale,
  size: ChartSize = DEFAULT_CHART_SIZE,
): string {
  const heading = locale.text('report.charts.marginPctByAccountManager');
  if (managers.length === 0) return empty(locale, heading, size);
  const sorted = [...managers].sort(
    (a, b) => displayNumber(a.marginPct ?? '0') - displayNumber(b.marginPct ?? '0'),
  );
  const height = Math.max(size.height, 80 + sorted.length * 26);
  return svgOf(
    {
      title: title(heading),
      grid: { left: 150, right: 72, top: 48, bottom: 32 },
      xAxis: { type: 'value', axisLabel: { formatter: '{value}%' } },
      yAxis: {
        type: 'category',
        data: sorted.map((row) => row.label),
        axisLabel: { width: 136, overflow: 'truncate' },
      },
      series: [
        {
          name: locale.text('report.charts.marginPct'),
          type: 'bar',
          barMaxWidth: 18,
          label: {
            ...UNOUTLINED,
            show: true,
            position: 'right',
            fontSize: 10,
            formatter: (point: { dataIndex: number }) => `${sorted[point.dataIndex]!.marginPct}%`,
          },
          data: sorted.map((row) => ({
            value: displayNumber(row.marginPct ?? '0'),
            itemStyle: { color: (row.marginPct ?? '').startsWith('-') ? RED : BLUE },
          })),
        },
      ],
    },
    { width: size.width, height },
  );
}

/**
 * The 80/20 curve: the enterprises with the largest margins one by one, the other profitable ones
 * together, the loss-makers together (bars, left axis); the cumulative share of margin after each
 * (line, right axis) with the 80 % mark.
 */
export function paretoChart(
  view: Pareto,
  locale: Locale,
  size: ChartSize = DEFAULT_CHART_SIZE,
): string {
  const heading = locale.text('report.charts.pareto');
  if (view.rows.length === 0) return empty(locale, heading, size);
  const profitable = view.rows.filter((row) => !(row.margin ?? '').startsWith('-'));
  const lossMakers = view.rows.length - profitable.length;
  const bars: { label: string; margin: number; cumulative: number; loss: boolean }[] = profitable
    .slice(0, PARETO_BARS)
    .map((row) => ({
      label: row.label,
      margin: displayNumber(row.margin ?? '0'),
      cumulative: displayNumber(row.cumulativeShare ?? '0'),
      loss: false,
    }));
  const group = (rows: readonly MarginGroupRow[], label: string, loss: boolean) => {
    if (rows.length === 0) return;
    bars.push({
      label,
      margin: rows.reduce((total, row) => total + displayNumber(row.margin ?? '0'), 0),
      cumulative: displayNumber(rows.at(-1)!.cumulativeShare ?? '0'),
      loss,
    });
  };
  group(
    profitable.slice(PARETO_BARS),
    locale.text('report.pareto.more', { count: String(profitable.length - PARETO_BARS) }),
    false,
  );
  group(
    view.rows.slice(profitable.length),
    `${locale.text('report.sections.lossMakers')} (${lossMakers})`,
    true,
  );
  const summary =
    view.vitalFew > 0
      ? locale.text('report.pareto.vitalFew', {
          count: String(view.vitalFew),
          enterprises: String(view.enterprises),
          share: view.vitalFewShare,
        })
      : locale.text('report.pareto.noneProfitable');
  return svgOf(
    {
      title: title(heading, summary),
      legend: { top: 8, right: 12, textStyle: { fontSize: 11 } },
      grid: { left: 96, right: 56, top: 72, bottom: 96 },
      xAxis: {
        type: 'category',
        data: bars.map((bar) => bar.label),
        axisLabel: { rotate: 40, fontSize: 10, width: 110, overflow: 'truncate', interval: 0 },
      },
      yAxis: [
        { type: 'value', axisLabel: yuanAxisLabel },
        {
          type: 'value',
          // Ticks at the margin axis's lines, so that both zeros are one line.
          alignTicks: true,
          axisLabel: { formatter: '{value}%' },
          splitLine: { show: false },
        },
      ],
      series: [
        {
          name: locale.text('report.charts.margin'),
          type: 'bar',
          itemStyle: { color: NAVY },
          data: bars.map((bar) => ({
            value: bar.margin,
            itemStyle: { color: bar.loss ? RED : NAVY },
          })),
        },
        {
          name: locale.text('report.charts.cumulativeShare'),
          type: 'line',
          yAxisIndex: 1,
          itemStyle: { color: '#d98c1f' },
          data: bars.map((bar) => bar.cumulative),
          markLine: {
            symbol: 'none',
            silent: true,
            lineStyle: { color: RED, type: 'dashed' },
            label: {
              ...UNOUTLINED,
              formatter: locale.text('report.charts.threshold'),
              color: RED,
              position: 'insideStartTop',
            },
            data: [{ yAxis: displayNumber(view.threshold) }],
          },
        },
      ],
    },
    size,
  );
}

/** How many quotes need which approval (§8), as a ring. */
export function approvalMixChart(
  levels: readonly MarginGroupRow[],
  locale: Locale,
  size: ChartSize = DEFAULT_CHART_SIZE,
): string {
  const heading = locale.text('report.charts.approvalMix');
  const present = levels.filter((row) => row.quotes > 0);
  if (present.length === 0) return empty(locale, heading, size);
  return svgOf(
    {
      title: title(heading),
      legend: { orient: 'vertical', right: 16, top: 'middle', textStyle: { fontSize: 11 } },
      series: [
        {
          name: locale.text('report.charts.quotes'),
          type: 'pie',
          radius: ['38%', '68%'],
          center: ['40%', '55%'],
          label: { ...UNOUTLINED, formatter: '{b}: {c} ({d}%)', fontSize: 11 },
          data: present.map((row) => ({
            name: row.label,
            value: row.quotes,
            itemStyle: { color: APPROVAL_COLOURS[row.key] ?? GREY },
          })),
        },
      ],
    },
    size,
  );
}

/** One enterprise among an impact analysis's biggest movers: its changes, after − before. */
export interface MoverBar {
  label: string;
  contractValueDelta: string;
  marginDelta: string;
}

/**
 * The biggest movers of an impact analysis: contract value and margin change per enterprise, as
 * horizontal bars either side of zero, the largest change on top.
 */
export function impactMoversChart(
  movers: readonly MoverBar[],
  locale: Locale,
  size: ChartSize = DEFAULT_CHART_SIZE,
): string {
  const heading = locale.text('report.charts.impactMovers');
  if (movers.length === 0) return empty(locale, heading, size);
  const shown = [...movers].reverse();
  const bars = (name: string, color: string, value: (mover: MoverBar) => string) => ({
    name,
    type: 'bar',
    itemStyle: { color },
    label: {
      ...UNOUTLINED,
      show: true,
      position: 'right',
      fontSize: 10,
      formatter: (params: { dataIndex: number }) => value(shown[params.dataIndex]!),
    },
    data: shown.map((mover) => displayNumber(value(mover))),
  });
  return svgOf(
    {
      title: title(heading),
      legend: { top: 8, right: 16, textStyle: { fontSize: 11 } },
      grid: { left: 16, right: 90, top: 48, bottom: 24, containLabel: true },
      xAxis: { type: 'value', axisLabel: yuanAxisLabel },
      yAxis: {
        type: 'category',
        data: shown.map((mover) => mover.label),
        axisLabel: { fontSize: 11, width: 160, overflow: 'truncate' },
      },
      series: [
        bars(locale.text('report.charts.contractValueDelta'), BLUE, (m) => m.contractValueDelta),
        bars(locale.text('report.charts.marginDelta'), NAVY, (m) => m.marginDelta),
      ],
    },
    size,
  );
}
