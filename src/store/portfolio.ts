/**
 * The portfolio an impact analysis re-prices (issue 13): each enterprise's latest stored request.
 * Read in the order of the quotes_enterprise index (enterprise, then creation), so each page is a
 * seek and the last quote of each enterprise is the one the next row's enterprise differs from.
 */
import { sql, type Kysely } from 'kysely';
import type { StoreConnection } from './connection';
import { instantText, type Database } from './schema';
import type { LatestRequest, PageConsumer, StoredQuoteFigures } from './types';

interface Cursor {
  enterpriseId: string;
  createdAt: string;
  year: number;
  sequence: number;
}

/** How many enterprises have a stored quote. */
export async function countEnterprises(connection: StoreConnection): Promise<number> {
  const row = await connection.db
    .selectFrom('quotes')
    .select((eb) => eb.fn.count<string | number>('enterprise_id').distinct().as('enterprises'))
    .executeTakeFirstOrThrow();
  return Number(row.enterprises);
}

/**
 * Every enterprise's latest request (by creation, then number), enterprise by enterprise, handed
 * to `consume` up to `pageSize` at a time, all on one snapshot. Answers how many it handed over.
 * A quote priced by a set of `quotesPricedBy` comes with its stored figures.
 */
export async function readLatestRequests(
  connection: StoreConnection,
  pageSize: number,
  consume: PageConsumer<LatestRequest>,
  quotesPricedBy: readonly string[] = [],
): Promise<number> {
  const figures =
    quotesPricedBy.length === 0
      ? sql<string | null>`null`
      : sql<
          string | null
        >`case when rule_set_hash in (${sql.join([...quotesPricedBy])}) then ${figuresOf(connection)} end`;
  return connection.longReadSnapshot(async (tx) => {
    let cursor: Cursor | undefined;
    let pending: LatestRequest | undefined;
    let page: LatestRequest[] = [];
    let handed = 0;
    const hand = async (latest: LatestRequest) => {
      page.push(latest);
      if (page.length < pageSize) return;
      handed += page.length;
      const full = page;
      page = [];
      await consume(full);
    };
    for (;;) {
      const rows = await after(tx, cursor)
        .select([
          'number',
          'enterprise_id',
          'enterprise_name',
          'rule_set_hash',
          'request',
          'created_at',
          'year',
          'sequence',
          figures.as('figures'),
        ])
        .orderBy('enterprise_id')
        .orderBy('created_at')
        .orderBy('year')
        .orderBy('sequence')
        .limit(pageSize)
        .execute();
      for (const row of rows) {
        if (pending && pending.enterpriseId !== row.enterprise_id) await hand(pending);
        pending = {
          enterpriseId: row.enterprise_id,
          enterpriseName: row.enterprise_name,
          quoteNumber: row.number,
          ruleSetHash: row.rule_set_hash,
          requestText: row.request,
          ...(row.figures !== null ? { stored: storedFigures(row.figures) } : {}),
        };
      }
      const last = rows.at(-1);
      if (!last || rows.length < pageSize) break;
      cursor = {
        enterpriseId: last.enterprise_id,
        createdAt: instantText(last.created_at),
        year: last.year,
        sequence: last.sequence,
      };
    }
    if (pending) await hand(pending);
    if (page.length > 0) {
      handed += page.length;
      await consume(page);
    }
    return handed;
  });
}

/** Where each of StoredQuoteFigures is in a quote's JSON, in the order the database lists them. */
const FIGURE_PATHS: readonly [keyof StoredQuoteFigures, readonly string[]][] = [
  ['eligible', ['eligible']],
  ['ruleSetHash', ['ruleSetHash']],
  ['quoteDate', ['quoteDate']],
  ['tier', ['tier']],
  ['approval', ['internal', 'approval']],
  ['monthlyNet', ['totals', 'monthlyNet']],
  ['contractValue', ['totals', 'contractValue']],
  ['revenueExclTax', ['internal', 'revenueExclTax']],
  ['margin', ['internal', 'margin']],
  ['marginPct', ['internal', 'marginPct']],
];

/**
 * The figures of the quote as one JSON array, the quote parsed once: by json_extract in SQLite,
 * as jsonb in PostgreSQL (its json operators would parse the text again for each one).
 */
function figuresOf(connection: StoreConnection) {
  if (connection.dialect === 'postgres') {
    const fields = FIGURE_PATHS.map(
      ([, path]) => sql`parsed.quote #> ${sql.lit(`{${path.join(',')}}`)}`,
    );
    return sql`(select json_build_array(${sql.join(fields)}) from (select quote::jsonb as quote) as parsed)`;
  }
  const paths = FIGURE_PATHS.map(([, path]) => sql.lit(`$.${path.join('.')}`));
  return sql`json_extract(quote, ${sql.join(paths)})`;
}

function storedFigures(text: string): StoredQuoteFigures {
  const values = JSON.parse(text) as unknown[];
  const figures: Record<string, unknown> = {};
  FIGURE_PATHS.forEach(([name], index) => {
    if (values[index] !== null && values[index] !== undefined) figures[name] = values[index];
  });
  return figures as unknown as StoredQuoteFigures;
}

function after(tx: Kysely<Database>, cursor: Cursor | undefined) {
  const quotes = tx.selectFrom('quotes');
  if (!cursor) return quotes;
  return quotes.where((eb) =>
    eb(
      eb.refTuple('enterprise_id', 'created_at', 'year', 'sequence'),
      '>',
      eb.tuple(cursor.enterpriseId, cursor.createdAt, cursor.year, cursor.sequence),
    ),
  );
}
