/**
 * A report as a table: its columns and a producer that hands its rows over page by page, then
 * answers the total. CSV, XLSX and JSON are written from this one description, each to a stream
 * with its backpressure respected, so an export of 100,000 quotes holds one page in memory.
 */
import type { Locale } from '../proposals/locale';
import type { MarginFigures } from './margin';

/**
 * How a cell is written. `text` is what users typed (names, ids) and is neutralised in spreadsheets;
 * the others are written by the service: `money` (decimal string at the fen), `percent` (percent
 * points), `count`, `instant` (ISO 8601, UTC).
 */
export type CellKind = 'text' | 'count' | 'money' | 'percent' | 'instant';

export interface ReportColumn<Row, Total extends object = MarginFigures> {
  id: string;
  header: string;
  kind: CellKind;
  value(row: Row): string | number | undefined;
  /** The total row's value comes from this figure of the report's total. */
  figure?: keyof Total & string;
}

export interface ReportTable<Row, Total extends object = MarginFigures> {
  /** The worksheet's name and the file name's stem. */
  name: string;
  /** The total row's words, in the first text column. */
  totalLabel: string;
  columns: readonly ReportColumn<Row, Total>[];
  /** Hands the rows to `emit` a page at a time, awaiting each; then answers the report's total. */
  produce(emit: (rows: readonly Row[]) => Promise<void>): Promise<Total>;
}

/** The cells of the total row, by column: its label in the first text column, its figures, blanks. */
export function totalCells<Row, Total extends object>(
  table: ReportTable<Row, Total>,
  total: Total,
): (string | number | undefined)[] {
  const labelAt = table.columns.findIndex((column) => column.kind === 'text');
  return table.columns.map((column, index) => {
    // Every report's total holds text and counts only (MarginFigures, an impact's figures).
    if (column.figure) return total[column.figure] as string | number | undefined;
    return index === labelAt ? table.totalLabel : undefined;
  });
}

/** A column of a figure, present in the total row too. */
export function figureColumn<Row extends MarginFigures>(
  locale: Locale,
  figure: keyof MarginFigures,
): ReportColumn<Row> {
  return {
    id: figure,
    header: locale.text(`report.columns.${figure}`),
    kind: figure === 'quotes' ? 'count' : figure === 'marginPct' ? 'percent' : 'money',
    value: (row) => row[figure],
    figure,
  };
}

/** A column of a row's own field. */
export function fieldColumn<Row>(
  locale: Locale,
  id: keyof Row & string,
  kind: CellKind,
  value: (row: Row) => string | number | undefined = (row) =>
    row[id] as string | number | undefined,
): ReportColumn<Row> {
  return { id, header: locale.text(`report.columns.${id}`), kind, value };
}

/** The client went away while a report was being written: stop reading. */
export class ClientGone extends Error {
  constructor() {
    super('the client closed the connection before the report was written');
    this.name = 'ClientGone';
  }
}

/**
 * Waits until `buffer` drains (`out` itself, or a stream that feeds it); rejects with ClientGone
 * when `out` closes first, so that a report nobody reads stops reading the database.
 */
export function drained(buffer: NodeJS.EventEmitter, out: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve, reject) => {
    const settle = (error?: Error) => {
      buffer.off('drain', onDrain);
      out.off('close', onClose);
      if (error) reject(error);
      else resolve();
    };
    const onDrain = () => settle();
    const onClose = () => settle(new ClientGone());
    buffer.on('drain', onDrain);
    out.on('close', onClose);
  });
}
