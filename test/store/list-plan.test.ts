/**
 * Listing reads an index in the list's order instead of sorting what a filter matches: with a
 * sort, one page of a filter whose quotes share an instant meant sorting all of them, JSON and all.
 */
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
} from 'kysely';
import type { Dialect } from '../../src/store/connection';
import { overdueQuotesQuery, quoteListQueries } from '../../src/store/kysely-store';
import type { Database } from '../../src/store/schema';
import type { QuoteFilter } from '../../src/store/types';
import { describeEachDialect, useStore } from './support';

/** Compiles queries as the store's dialect would, without a connection. */
function compilerFor(dialect: Dialect): Kysely<Database> {
  return new Kysely<Database>({
    dialect:
      dialect === 'postgres'
        ? {
            createAdapter: () => new PostgresAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new PostgresIntrospector(db),
            createQueryCompiler: () => new PostgresQueryCompiler(),
          }
        : {
            createAdapter: () => new SqliteAdapter(),
            createDriver: () => new DummyDriver(),
            createIntrospector: (db) => new SqliteIntrospector(db),
            createQueryCompiler: () => new SqliteQueryCompiler(),
          },
  });
}

/** The statement with its parameters written in, for EXPLAIN over the back door. */
function inline(query: CompiledQuery, dialect: Dialect): string {
  const literal = (value: unknown) =>
    typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
  let position = 0;
  return dialect === 'postgres'
    ? query.sql.replace(/\$(\d+)/g, (_, index: string) =>
        literal(query.parameters[Number(index) - 1]),
      )
    : query.sql.replace(/\?/g, () => literal(query.parameters[position++]));
}

const page = { limit: 50, offset: 100 };
const FILTERS: [string, QuoteFilter][] = [
  ['no filter', page],
  ['enterprise', { ...page, enterpriseId: 'ENT-0001' }],
  ['account manager', { ...page, accountManagerId: 'am-1' }],
  ['state', { ...page, state: 'pending-approval' }],
  ['created range', { ...page, createdFrom: '2026-11-01T00:00:00.000Z' }],
  [
    'account manager and created range',
    {
      ...page,
      accountManagerId: 'am-1',
      createdFrom: '2026-11-01T00:00:00.000Z',
      createdTo: '2026-11-30T15:59:59.999Z',
    },
  ],
];

describeEachDialect('store: a list page is read in order, not sorted', (dialect) => {
  const { database } = useStore(dialect);
  const compiler = compilerFor(dialect);

  /** The plan the database would run `statement` with; on PostgreSQL after `postgresSettings`. */
  async function planOf(statement: string, postgresSettings: string): Promise<string> {
    if (dialect === 'postgres') {
      await database().execute(postgresSettings);
      const rows = await database().query<{ 'QUERY PLAN': string }>(
        `explain (costs off) ${statement}`,
      );
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    }
    const rows = await database().query<{ detail: string }>(`explain query plan ${statement}`);
    return rows.map((row) => row.detail).join('\n');
  }

  test.each(FILTERS)('%s', async (_name, filter) => {
    const statement = inline(quoteListQueries(compiler, filter).page.compile(), dialect);
    // An empty table is cheapest to scan and sort: forbid both, so the plan shows whether an
    // index gives the order. Where none does, PostgreSQL still sorts, and says so.
    const plan = await planOf(statement, 'set enable_seqscan = off; set enable_sort = off');
    expect(plan).toMatch(/index/i);
    expect(plan).not.toMatch(/sort|temp b-tree/i);
  });

  it('the expiry sweep reads overdue quotes by validity, not every open quote', async () => {
    const statement = inline(
      overdueQuotesQuery(
        compiler,
        ['draft', 'pending-approval', 'approved', 'issued'],
        '2026-12-10T00:00:00.000Z',
        500,
      ).compile(),
      dialect,
    );
    const plan = await planOf(statement, 'set enable_seqscan = off; set enable_bitmapscan = off');
    // Both the state and the end of validity bound the index range (SQLite names them; PostgreSQL
    // puts both in the Index Cond).
    expect(plan).toMatch(/quotes_state_valid_until/);
    if (dialect === 'postgres') expect(plan).toMatch(/Index Cond: .*state.*valid_until/s);
    else expect(plan).toMatch(/state=\? AND valid_until<\?/);
  });
});
