/**
 * A report as JSON, written as it is produced: the head, each page of rows, then the total (and
 * the 80/20 summary), so that a report of 100,000 quotes is never one string in memory.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ClientGone, drained, type ReportTable } from './table';
import type { MarginFigures } from './margin';

/**
 * Writes `{ ...head, "rows": [...], "total": {...}, ...tail }` to `out` and ends it. `visible`
 * shapes the total as the caller may see it.
 */
export async function writeJson<Row>(
  table: ReportTable<Row>,
  out: Writable,
  head: Record<string, unknown>,
  tail: Record<string, unknown>,
  visible: (total: MarginFigures) => MarginFigures,
): Promise<void> {
  const write = async (text: string) => {
    if (out.destroyed) throw new ClientGone();
    if (!out.write(text)) await drained(out, out);
  };
  const opening = JSON.stringify(head);
  await write(`${opening.slice(0, -1)}${opening.length > 2 ? ',' : ''}"rows":[`);
  let first = true;
  const total = await table.produce(async (rows) => {
    if (rows.length === 0) return;
    const text = rows.map((row) => JSON.stringify(row)).join(',');
    await write(first ? text : `,${text}`);
    first = false;
  });
  const closing = JSON.stringify({ total: visible(total), ...tail });
  await write(`],${closing.slice(1)}`);
  out.end();
  await finished(out);
}
