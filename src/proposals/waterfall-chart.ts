/**
 * The deal sheet's price waterfall as a chart: totals as bars from zero, each step between them as
 * a bar floating from where the one before ended, drawn through the documents' one chart path
 * (src/charts). Bars are plotted from JS numbers (all ECharts can plot); every label is the exact
 * decimal string.
 */
import {
  GREEN,
  GREY,
  NAVY,
  RED,
  SKY,
  svgOf,
  title,
  UNOUTLINED,
  yuanAxisLabel,
} from '../charts/svg';
import { displayNumber } from '../money/money';

export interface WaterfallBar {
  name: string;
  /** A total is drawn from zero; a step is drawn down from the total before it. */
  kind: 'total' | 'step';
  /** The exact amount: a total's value, or (a step) how much it takes off. */
  amount: string;
  /** The label printed on the bar, the amount as the document writes it. */
  label: string;
}

const SIZE = { width: 760, height: 340 };

/** The waterfall's bars as SVG text. */
export function waterfallChart(bars: readonly WaterfallBar[], heading: string): string {
  let level = 0;
  const base: number[] = [];
  const up: { value: number; itemStyle: { color: string } }[] = [];
  const down: { value: number; itemStyle: { color: string } }[] = [];
  for (const bar of bars) {
    const amount = displayNumber(bar.amount);
    const [from, to] = bar.kind === 'total' ? [0, amount] : [level, level - amount];
    level = bar.kind === 'total' ? amount : level - amount;
    const low = Math.min(from, to);
    const high = Math.max(from, to);
    const color =
      bar.kind === 'step' ? (amount < 0 ? GREEN : GREY) : bar.amount.startsWith('-') ? RED : NAVY;
    // Stacked from an invisible base; ECharts stacks negative values apart from positive ones, so a
    // bar that crosses zero is drawn as its part above and its part below.
    if (low >= 0) {
      base.push(low);
      up.push({ value: high - low, itemStyle: { color } });
      down.push({ value: 0, itemStyle: { color } });
    } else if (high <= 0) {
      base.push(high);
      up.push({ value: 0, itemStyle: { color } });
      down.push({ value: low - high, itemStyle: { color } });
    } else {
      base.push(0);
      up.push({ value: high, itemStyle: { color } });
      down.push({ value: low, itemStyle: { color } });
    }
  }
  const label = (show: (index: number) => boolean) => ({
    ...UNOUTLINED,
    show: true,
    position: 'top',
    fontSize: 10,
    formatter: (point: { dataIndex: number }) =>
      show(point.dataIndex) ? bars[point.dataIndex]!.label : '',
  });
  return svgOf(
    {
      title: title(heading),
      grid: { left: 96, right: 24, top: 48, bottom: 56 },
      xAxis: {
        type: 'category',
        data: bars.map((bar) => bar.name),
        axisLabel: { interval: 0, fontSize: 10, width: 84, overflow: 'break' },
      },
      yAxis: { type: 'value', axisLabel: yuanAxisLabel },
      series: [
        {
          type: 'bar',
          stack: 'waterfall',
          silent: true,
          itemStyle: { color: 'transparent', borderColor: 'transparent' },
          data: base,
        },
        {
          type: 'bar',
          stack: 'waterfall',
          barMaxWidth: 56,
          label: label((index) => up[index]!.value !== 0 || down[index]!.value === 0),
          data: up,
        },
        {
          type: 'bar',
          stack: 'waterfall',
          barMaxWidth: 56,
          label: {
            ...label((index) => up[index]!.value === 0 && down[index]!.value !== 0),
            position: 'bottom',
          },
          data: down,
        },
      ],
      color: [SKY],
    },
    SIZE,
  );
}
