/**
 * An Excel workbook (exceljs' streaming writer): one sheet, the header frozen, money as numbers in
 * ¥ #,##0.00 so that Excel can add them up, the same amounts as exact text at the end of each row
 * (a spreadsheet's number is a float, the text is the figure), and a bold total row. Each row is
 * committed as it is written, so only a page of rows is ever held.
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { displayNumber } from '../money/money';
import { ClientGone, drained, totalCells, type ReportColumn, type ReportTable } from './table';
import type { Locale } from '../proposals/locale';

/** ¥1,234,567.89 and -¥1,234.50. */
export const YUAN_FORMAT = '"¥"#,##0.00;-"¥"#,##0.00';
const PERCENT_POINTS_FORMAT = '0.00"%"';

/** Excel's limit on a sheet's name, and the characters it refuses in one. */
const SHEET_NAME_LENGTH = 31;
const SHEET_NAME_REFUSED = /[\\/?*[\]:]/g;

type Cell = string | number | null;

function cellOf(value: string | number | undefined, column: ReportColumn<never>): Cell {
  if (value === undefined || value === '') return null;
  if (column.kind === 'money' || column.kind === 'percent') return displayNumber(String(value));
  if (column.kind === 'count') return Number(value);
  // Text stays text: exceljs writes a string as an inline string, never as a formula.
  return String(value);
}

/** The stream of the zip entry a streamed worksheet's XML goes into (exceljs' internals). */
interface ZipEntryStream extends NodeJS.EventEmitter {
  _writableState?: { needDrain?: boolean };
}

/**
 * exceljs hands a worksheet's XML to the zip entry's stream without heeding write()'s answer, so
 * nothing slowed the rows down: a 100,000-row workbook sat in memory whole (95 MB of buffers)
 * until the zip caught up. Waiting for that stream to drain after each page holds it to a page or
 * two. Reached through exceljs' internals; should they change, this finds nothing and only the
 * response's own backpressure remains.
 */
function zipEntryOf(sheet: ExcelJS.Worksheet): ZipEntryStream | undefined {
  const buffer = (sheet as unknown as { stream?: { pipes?: ZipEntryStream[] } }).stream;
  return buffer?.pipes?.[0];
}

/** Writes the table to `out` as an .xlsx workbook and ends it. */
export async function writeXlsx<Row>(
  table: ReportTable<Row>,
  out: Writable,
  locale: Locale,
): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: true,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet(
    table.name.replace(SHEET_NAME_REFUSED, ' ').slice(0, SHEET_NAME_LENGTH),
    { views: [{ state: 'frozen', ySplit: 1 }] },
  );
  const columns = table.columns as readonly ReportColumn<never>[];
  const money = columns.filter((column) => column.kind === 'money');
  sheet.columns = [
    ...columns.map((column) => ({
      header: column.header,
      key: column.id,
      width: column.kind === 'text' ? 24 : column.kind === 'instant' ? 26 : 18,
      ...(column.kind === 'money'
        ? { style: { numFmt: YUAN_FORMAT } }
        : column.kind === 'percent'
          ? { style: { numFmt: PERCENT_POINTS_FORMAT } }
          : {}),
    })),
    ...money.map((column) => ({
      header: locale.text('report.exact', { column: column.header }),
      key: `${column.id}Exact`,
      width: 20,
    })),
  ];
  sheet.getRow(1).font = { bold: true };
  sheet.getRow(1).commit();
  const addRow = (values: (string | number | undefined)[], bold = false) => {
    const cells: Cell[] = [
      ...values.map((value, index) => cellOf(value, columns[index]!)),
      ...money.map((column) => {
        const value = values[columns.indexOf(column)];
        return value === undefined ? null : String(value);
      }),
    ];
    const row = sheet.addRow(cells);
    if (bold) row.font = { bold: true };
    row.commit();
  };
  const total = await table.produce(async (rows) => {
    if (out.destroyed) throw new ClientGone();
    for (const row of rows) {
      addRow(columns.map((column) => column.value(row as never)));
    }
    const entry = zipEntryOf(sheet);
    if (entry?._writableState?.needDrain) await drained(entry, out);
    if (out.writableNeedDrain) await drained(out, out);
  });
  addRow(totalCells(table, total), true);
  sheet.commit();
  await workbook.commit();
}
