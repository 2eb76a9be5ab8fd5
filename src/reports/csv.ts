/**
 * CSV as RFC 4180 has it (CRLF after every record, fields quoted where they hold a comma, a quote
 * or a line break, quotes doubled), in UTF-8 with a byte-order mark so that Excel opens Chinese
 * names correctly. A page of rows is written as one chunk, with backpressure.
 */
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { ClientGone, drained, totalCells, type CellKind, type ReportTable } from './table';

/**
 * Cells a spreadsheet would take for a formula (OWASP "CSV injection"): a leading = + - @, tab or
 * carriage return.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/** What makes a field need quotes (RFC 4180 §2.6). */
const NEEDS_QUOTES = /[",\r\n]/;

const BYTE_ORDER_MARK = '\ufeff';
const RECORD_END = '\r\n';

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

/** One record, its CRLF included: a field is bare unless it holds a comma, a quote or a line break. */
export function csvRecord(fields: readonly string[]): string {
  let record = '';
  for (let index = 0; index < fields.length; index += 1) {
    const field = fields[index]!;
    if (index > 0) record += ',';
    record += NEEDS_QUOTES.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
  }
  return record + RECORD_END;
}

/**
 * Writes the table to `out` and ends it. Each page goes out as one string: a record at a time
 * through a stringifier cost a hundred-odd short-lived objects per quote, most of what an export
 * allocated.
 */
export async function writeCsv<Row, Total extends object>(
  table: ReportTable<Row, Total>,
  out: Writable,
): Promise<void> {
  const write = async (text: string) => {
    if (out.destroyed) throw new ClientGone();
    if (!out.write(text)) await drained(out, out);
  };
  const kinds = table.columns.map((column) => column.kind);
  await write(
    BYTE_ORDER_MARK + csvRecord(table.columns.map((column) => csvCell(column.header, 'text'))),
  );
  const total = await table.produce(async (rows) => {
    let page = '';
    for (const row of rows) {
      page += csvRecord(table.columns.map((column) => csvCell(column.value(row), column.kind)));
    }
    await write(page);
  });
  await write(
    csvRecord(totalCells(table, total).map((value, index) => csvCell(value, kinds[index]!))),
  );
  out.end();
  await finished(out);
}
