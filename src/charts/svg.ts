/**
 * Charts as SVG, drawn on the server by Apache ECharts' server-side SVG renderer (no browser, no
 * canvas): one rendering path, the palette and the fonts, for the finance reports and the deal
 * sheet alike. ECharts escapes every text it writes, so a name never becomes markup.
 */
import * as echarts from 'echarts';

/** The documents' palette (templates/styles.css). */
export const NAVY = '#0b3a6f';
export const BLUE = '#1f6fbf';
export const SKY = '#9cc3e8';
export const GREY = '#9aa5b1';
export const RED = '#b3122e';
export const GREEN = '#2e8b57';
export const INK = '#1d2733';
export const MUTED = '#5f6b7a';

/**
 * The fonts the PDF embeds (templates/fonts.css), then whatever a browser has. A chart is an image,
 * so it names the families, not the page's faces; Noto Sans SC has a real bold for the bold title,
 * where a synthesised one would be embedded as Type 3 fonts.
 */
export const FONT_FAMILY =
  "'Liberation Sans', 'Noto Sans SC', 'DejaVu Sans', 'BabelStone Han', sans-serif";

export interface ChartSize {
  width: number;
  height: number;
}
export const DEFAULT_CHART_SIZE: ChartSize = { width: 760, height: 380 };

/** An ECharts option, loosely typed: its own option types are too wide to help here. */
export type ChartOption = Record<string, unknown>;

/** Renders one ECharts option to SVG text, then frees the chart. */
export function svgOf(option: ChartOption, size: ChartSize): string {
  const chart = echarts.init(null, null, {
    renderer: 'svg',
    ssr: true,
    width: size.width,
    height: size.height,
  });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: FONT_FAMILY, color: INK },
      ...option,
    });
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
}

/** A chart's heading (and a line under it), as every chart of the documents sets it. */
export function title(text: string, subtext?: string): ChartOption {
  return {
    text,
    ...(subtext ? { subtext } : {}),
    left: 8,
    top: 4,
    textStyle: { fontSize: 15, color: NAVY, fontFamily: FONT_FAMILY },
    subtextStyle: { fontSize: 11, color: MUTED, fontFamily: FONT_FAMILY },
  };
}

/**
 * For every label: ECharts outlines a label outside its bar in the background colour, and Chromium
 * prints outlined text as Type 3 fonts (glyphs drawn as paths, not text). A transparent outline is
 * no outline (a width of 0 is not enough: ECharts then draws its default).
 */
export const UNOUTLINED = { textBorderColor: 'transparent' };

/** An SVG as an image a sandboxed page may show: a data: URL, the only thing it may load. */
export function svgImage(svg: string): string {
  return `data:image/svg+xml;base64,${Buffer.from(svg, 'utf8').toString('base64')}`;
}

/** Yuan on an axis as grouped digits (1,234,567), which read the same in both languages. */
export const yuanAxisLabel = { formatter: (value: number) => value.toLocaleString('en-US') };
