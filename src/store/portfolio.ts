/**
 * The portfolio an impact analysis re-prices (issue 13): each enterprise's latest stored request.
 * Read in the order of the quotes_enterprise index (enterprise, then creation), so each page is a
 * seek and the last quote of each enterprise is the one the next row's enterprise differs from.
 */
import { sql, type Kysely } from 'kysely';
import { connectPostgres, connectSqliteReader, type StoreConnection } from './connection';
import type { StoreOptions } from './open';
import { instantText, type Database } from './schema';
import type {
  EnterpriseRange,
  EnterpriseRanges,
  LatestRequest,
  PageConsumer,
  StoredQuoteFigures,
} from './types';

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
 * The enterprises with a stored quote, in id order, as ranges of `size` enterprises each (the last
 * may hold fewer). The first range is open below and the last above, so together they cover every
 * id, one that appears after the split included. Only every `size`-th id leaves the database.
 */
export async function enterpriseRanges(
  connection: StoreConnection,
  size: number,
): Promise<EnterpriseRanges> {
  const { rows } = await sql<{ enterprise_id: string; enterprises: string | number }>`
    select enterprise_id, enterprises from (
      select enterprise_id, row_number() over (order by enterprise_id) as position,
        count(*) over () as enterprises
      from (select distinct enterprise_id from quotes) as ids
    ) as numbered
    where (position - 1) % ${sql.lit(size)} = 0
    order by enterprise_id`.execute(connection.db);
  const starts = rows.slice(1).map((row) => row.enterprise_id);
  const ranges: EnterpriseRange[] =
    rows.length === 0
      ? []
      : [undefined, ...starts].map((from, index) => ({
          ...(from !== undefined ? { from } : {}),
          ...(starts[index] !== undefined ? { to: starts[index] } : {}),
        }));
  return { enterprises: Number(rows[0]?.enterprises ?? 0), ranges };
}

/** What reading the portfolio needs of a connection: its SQL, and a snapshot to read on. */
export type PortfolioConnection = Pick<StoreConnection, 'dialect' | 'longReadSnapshot'>;

/**
 * Every enterprise's latest request (by creation, then number), enterprise by enterprise, handed
 * to `consume` up to `pageSize` at a time, all on one snapshot. Answers how many it handed over.
 * A quote priced by a set of `quotesPricedBy` comes with its stored figures. With `range`, only the
 * enterprises in it.
 */
export async function readLatestRequests(
  connection: PortfolioConnection,
  pageSize: number,
  consume: PageConsumer<LatestRequest>,
  quotesPricedBy: readonly string[] = [],
  range: EnterpriseRange = {},
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
      const rows = await after(tx, cursor, range)
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
          ...(row.figures !== null
            ? { stored: storedFigures(row.figures, connection.dialect) }
            : {}),
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
 * SQLite: the figures of the quote as one JSON array, by json_extract (the quote parsed once, in
 * the reader's process). PostgreSQL: the quote's text, whose figures the reader picks out itself.
 * The server parses a quote of some 5 kB into jsonb (or walks its text once per figure) in
 * milliseconds of its own CPU, which a busy database shares with everything else; JSON.parse in
 * the reader takes tens of microseconds.
 */
function figuresOf(connection: PortfolioConnection) {
  if (connection.dialect === 'postgres') return sql`quote`;
  const paths = FIGURE_PATHS.map(([, path]) => sql.lit(`$.${path.join('.')}`));
  return sql`json_extract(quote, ${sql.join(paths)})`;
}

function storedFigures(text: string, dialect: PortfolioConnection['dialect']): StoredQuoteFigures {
  const parsed = JSON.parse(text) as unknown;
  const values =
    dialect === 'postgres'
      ? FIGURE_PATHS.map(([, path]) => valueAt(parsed, path))
      : (parsed as unknown[]);
  const figures: Record<string, unknown> = {};
  FIGURE_PATHS.forEach(([name], index) => {
    if (values[index] !== null && values[index] !== undefined) figures[name] = values[index];
  });
  return figures as unknown as StoredQuoteFigures;
}

function valueAt(document: unknown, path: readonly string[]): unknown {
  let value = document;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function after(tx: Kysely<Database>, cursor: Cursor | undefined, range: EnterpriseRange) {
  let quotes = tx.selectFrom('quotes');
  if (range.to !== undefined) quotes = quotes.where('enterprise_id', '<', range.to);
  if (!cursor) {
    return range.from === undefined ? quotes : quotes.where('enterprise_id', '>=', range.from);
  }
  return quotes.where((eb) =>
    eb(
      eb.refTuple('enterprise_id', 'created_at', 'year', 'sequence'),
      '>',
      eb.tuple(cursor.enterpriseId, cursor.createdAt, cursor.year, cursor.sequence),
    ),
  );
}

/**
 * How long a reader's PostgreSQL connection outlives its last read: through an analysis, whose
 * chunks follow each other closely, but not long after, so a thread that is ended holds none.
 */
const READER_IDLE_MS = 2000;

/** The portfolio read on a connection of its own: a worker thread's or a queue worker's. */
export interface PortfolioReader {
  /** Each latest request of `range`, as {@link readLatestRequests} reads them. */
  readLatestRequests(
    range: EnterpriseRange,
    pageSize: number,
    consume: PageConsumer<LatestRequest>,
    quotesPricedBy: readonly string[],
  ): Promise<number>;
  close(): Promise<void>;
}

/**
 * Opens the store read-only for reading the portfolio (no migration: the store's own opener has
 * done it): SQLite through a read-only connection to the file, PostgreSQL through a pool of one.
 */
export function openPortfolioReader(options: StoreOptions): PortfolioReader {
  if (!options.databaseUrl && (!options.sqlitePath || options.sqlitePath === ':memory:'))
    throw new Error(
      'the portfolio is read on a connection of its own: a SQLite file or PostgreSQL',
    );
  const connection = options.databaseUrl
    ? connectPostgres(options.databaseUrl, { max: 1, idleTimeoutMillis: READER_IDLE_MS })
    : connectSqliteReader(options.sqlitePath!);
  return {
    readLatestRequests: (range, pageSize, consume, quotesPricedBy) =>
      readLatestRequests(connection, pageSize, consume, quotesPricedBy, range),
    close: () => connection.close(),
  };
}
