/**
 * CSV as RFC 4180 has it (CRLF between records, fields quoted where they hold a comma, a quote or
 * a line break, quotes doubled), in UTF-8 with a byte-order mark so that Excel opens Chinese names
 * correctly. csv-stringify does the quoting; written with backpressure, a page at a time.
 */
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import { ClientGone, drained, totalCells, type CellKind, type ReportTable } from './table';

/**
 * Cells a spreadsheet would take for a formula (OWASP "CSV injection"): a leading = + - @, tab or
 * carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A cell as written. Text that users typed (an enterprise's name, an id) and that a spreadsheet
 * would run as a formula gets a leading apostrophe, which Excel shows as text. Figures the service
 * writes are left as they are: a negative margin `-1234.50` must stay a number.
 */
export function csvCell(value: string | number | undefined, kind: CellKind): string {
  if (value === undefined) return '';
  const text = String(value);
  return kind === 'text' && FORMULA_START.test(text) ? `'${text}` : text;
}

/** Writes the table to `out` and ends it. */
export async function writeCsv<Row, Total extends object>(
  table: ReportTable<Row, Total>,
  out: Writable,
): Promise<void> {
  const stringifier = stringify({ bom: true, record_delimiter: 'windows' });
  stringifier.pipe(out);
  const write = async (cells: string[]) => {
    if (out.destroyed) throw new ClientGone();
    if (!stringifier.write(cells)) await drained(stringifier, out);
  };
  const kinds = table.columns.map((column) => column.kind);
  await write(table.columns.map((column) => csvCell(column.header, 'text')));
  const total = await table.produce(async (rows) => {
    for (const row of rows) {
      await write(table.columns.map((column) => csvCell(column.value(row), column.kind)));
    }
  });
  await write(totalCells(table, total).map((value, index) => csvCell(value, kinds[index]!)));
  stringifier.end();
  await finished(out);
}
