/**
 * The store's side of margin reports (issue 15): the quotes a report filter matches, read as
 * narrow rows of figures (migration 0005's generated columns in PostgreSQL, its indexed
 * expressions in SQLite; never a quote's whole JSON), page by page on one snapshot, and their
 * exact sums per group. PostgreSQL sums in SQL numeric; SQLite,
 * which has no decimal type, hands the decimal text to MoneyTotal (src/money). Both answer the
 * same strings.
 */
import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { calendarDate, BUSINESS_TIME_ZONE } from '../calendar';
import { MoneyTotal } from '../money/money';
import type { Dialect, StoreConnection } from './connection';
import { MARGIN_FIGURES_COLUMN, sqliteFigureExpression, type MarginFigure } from './migrations';
import { instantText, type Database } from './schema';
import type {
  FigureGroup,
  FigureGrouping,
  FigureSums,
  MarginFilter,
  PageConsumer,
  QuoteComponentsSource,
  QuoteFigures,
} from './types';
import type { QuoteState } from '../domain';

/** How many quotes the SQLite sums read per query; the loop makes way for other requests in between. */
const SUM_PAGE_SIZE = 5000;

/**
 * A figure of migration 0005: a field of its generated column in PostgreSQL, the very expression
 * its index holds in SQLite (so that the index answers). Decimal text (numeric in PostgreSQL), as
 * the quote writes it.
 */
function figure(dialect: Dialect, name: MarginFigure): RawBuilder<string | null> {
  return dialect === 'postgres'
    ? sql<string | null>`(${sql.ref(MARGIN_FIGURES_COLUMN)}).${sql.ref(name)}`
    : sqliteFigureExpression(name);
}

/**
 * The state a quote is shown in: an open quote whose validity ended before `now` is expired, as
 * the service would record the next time anyone read it. Reports never write.
 */
function shownState(expiry: MarginFilter['expiry']): RawBuilder<QuoteState> {
  if (expiry.openStates.length === 0) return sql<QuoteState>`state`;
  return sql<QuoteState>`case when state in (${sql.join([...expiry.openStates])}) and valid_until < ${expiry.now} then 'expired' else state end`;
}

type ReportQuery<O> = SelectQueryBuilder<Database, 'quotes', O>;

/** The quotes a filter matches; `filter` holds checked values (instants normalized). */
function matching(
  db: Kysely<Database>,
  dialect: Dialect,
  filter: MarginFilter,
): ReportQuery<object> {
  const state = shownState(filter.expiry);
  return db
    .selectFrom('quotes')
    .$if(filter.createdFrom !== undefined, (query) =>
      query.where('created_at', '>=', filter.createdFrom!),
    )
    .$if(filter.createdTo !== undefined, (query) =>
      query.where('created_at', '<=', filter.createdTo!),
    )
    .$if(filter.states !== undefined, (query) =>
      filter.states!.length === 0
        ? query.where(sql<boolean>`1 = 0`)
        : query.where(state, 'in', [...filter.states!]),
    )
    .$if(filter.tier !== undefined, (query) =>
      query.where(figure(dialect, 'tier'), '=', filter.tier!),
    )
    .$if(filter.industry !== undefined, (query) =>
      query.where(figure(dialect, 'industry'), '=', filter.industry!),
    )
    .$if(filter.accountManagerId !== undefined, (query) =>
      query.where('account_manager_id', '=', filter.accountManagerId!),
    )
    .$if(filter.enterpriseId !== undefined, (query) =>
      query.where('enterprise_id', '=', filter.enterpriseId!),
    )
    .$if(filter.approvalLevel !== undefined, (query) =>
      query.where('approval_level', '=', filter.approvalLevel!),
    )
    .$if(filter.ruleSetHash !== undefined, (query) =>
      query.where('rule_set_hash', '=', filter.ruleSetHash!),
    );
}

/** Where a paged read goes on from: the last quote read, in (created_at, year, sequence) order. */
interface Cursor {
  createdAt: string;
  year: number;
  sequence: number;
}

/**
 * The quotes after `cursor` in read order, as one row-value comparison: both databases seek it
 * along the index. (Spelt out as ORs, SQLite scanned from the first quote again for every page.)
 */
function after<O>(query: ReportQuery<O>, cursor: Cursor | undefined): ReportQuery<O> {
  if (!cursor) return query;
  return query.where(({ eb, refTuple, tuple }) =>
    eb(
      refTuple('created_at', 'year', 'sequence'),
      '>',
      tuple(cursor.createdAt, cursor.year, cursor.sequence),
    ),
  );
}

function figuresPage(
  db: Kysely<Database>,
  dialect: Dialect,
  filter: MarginFilter,
  limit: number,
  cursor: Cursor | undefined,
) {
  return after(matching(db, dialect, filter), cursor)
    .select([
      'number',
      createdAtText(dialect).as('created_text'),
      'year',
      'sequence',
      shownState(filter.expiry).as('shown_state'),
      'enterprise_id',
      'enterprise_name',
      'account_manager_id',
      figure(dialect, 'tier').as('tier'),
      figure(dialect, 'industry').as('industry'),
      'approval_level',
      'rule_set_hash',
      'contract_value',
      figure(dialect, 'revenue_excl_tax').as('revenue_excl_tax'),
      figure(dialect, 'total_cost').as('total_cost'),
      figure(dialect, 'margin').as('margin'),
      'margin_pct',
    ])
    .orderBy('created_at')
    .orderBy('year')
    .orderBy('sequence')
    .limit(limit);
}

/**
 * created_at as the ISO text the store keeps (`Date.toISOString()` form). PostgreSQL writes it
 * itself: a Date per quote, only to be turned back into that text, was a tenth of what an export
 * of 100,000 quotes allocated.
 */
function createdAtText(dialect: Dialect): RawBuilder<string> {
  return dialect === 'postgres'
    ? sql<string>`to_char(created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
    : sql<string>`created_at`;
}

type FiguresRow = Awaited<ReturnType<ReturnType<typeof figuresPage>['execute']>>[number];

/** A stored amount as both dialects answer it: a PostgreSQL numeric never says -0.00, nor does this. */
function amount(text: string | null): string {
  if (text === null) return '0.00';
  return text.startsWith('-') && /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

function quoteFiguresFrom(row: FiguresRow): QuoteFigures {
  return {
    number: row.number,
    createdAt: row.created_text,
    state: row.shown_state,
    enterpriseId: row.enterprise_id,
    enterpriseName: row.enterprise_name,
    accountManagerId: row.account_manager_id,
    tier: row.tier ?? '',
    industry: row.industry ?? '',
    approvalLevel: row.approval_level,
    ruleSetHash: row.rule_set_hash,
    contractValue: amount(row.contract_value),
    revenueExclTax: amount(row.revenue_excl_tax),
    totalCost: amount(row.total_cost),
    margin: amount(row.margin),
    marginPct: amount(row.margin_pct),
  };
}

function cursorOf(row: FiguresRow): Cursor {
  return { createdAt: row.created_text, year: row.year, sequence: row.sequence };
}

/** Exact sums, added up row by row (SQLite). */
class FigureTotals {
  quotes = 0;
  readonly contractValue = new MoneyTotal();
  readonly revenueExclTax = new MoneyTotal();
  readonly totalCost = new MoneyTotal();
  readonly margin = new MoneyTotal();

  add(
    figures: Pick<QuoteFigures, 'contractValue' | 'revenueExclTax' | 'totalCost' | 'margin'>,
  ): void {
    this.quotes += 1;
    this.contractValue.add(figures.contractValue);
    this.revenueExclTax.add(figures.revenueExclTax);
    this.totalCost.add(figures.totalCost);
    this.margin.add(figures.margin);
  }

  addTotals(other: FigureTotals): void {
    this.quotes += other.quotes;
    this.contractValue.addTotal(other.contractValue);
    this.revenueExclTax.addTotal(other.revenueExclTax);
    this.totalCost.addTotal(other.totalCost);
    this.margin.addTotal(other.margin);
  }

  sums(): FigureSums {
    return {
      quotes: this.quotes,
      contractValue: this.contractValue.toString(),
      revenueExclTax: this.revenueExclTax.toString(),
      totalCost: this.totalCost.toString(),
      margin: this.margin.toString(),
    };
  }
}

/** Months by the UTC hour they start in: China's offset is whole hours, so the hour decides the month. */
const monthsByHour = new Map<string, string>();

/** The month (YYYY-MM) an instant falls in, in China. */
function monthOf(createdAt: string): string {
  const hour = createdAt.slice(0, 13);
  let month = monthsByHour.get(hour);
  if (month === undefined) {
    month = calendarDate(createdAt).slice(0, 7);
    if (monthsByHour.size > 100_000) monthsByHour.clear();
    monthsByHour.set(hour, month);
  }
  return month;
}

/**
 * The SQL of a grouping's key. SQLite's month is worked out from created_at in Node (monthOf):
 * it has no time zones.
 */
function keyExpression(
  dialect: Dialect,
  filter: MarginFilter,
  groupBy: FigureGrouping,
): RawBuilder<string> {
  switch (groupBy) {
    case 'enterprise':
      return sql<string>`enterprise_id`;
    case 'accountManager':
      return sql<string>`account_manager_id`;
    case 'tier':
      return sql<string>`coalesce(${figure(dialect, 'tier')}, '')`;
    case 'industry':
      return sql<string>`coalesce(${figure(dialect, 'industry')}, '')`;
    case 'approvalLevel':
      return sql<string>`approval_level`;
    case 'state':
      return shownState(filter.expiry) as RawBuilder<string>;
    case 'month':
      return dialect === 'postgres'
        ? sql<string>`to_char(created_at at time zone ${sql.lit(BUSINESS_TIME_ZONE)}, 'YYYY-MM')`
        : sql<string>`created_at`;
  }
}

/** The four sums and the count, in SQL numeric (PostgreSQL); an empty set sums to 0. */
function sumColumns() {
  return [
    sql<string>`count(*)`.as('quotes'),
    sql<string>`coalesce(sum(contract_value), 0)`.as('contract_value'),
    sql<string>`coalesce(sum(${figure('postgres', 'revenue_excl_tax')}), 0)`.as('revenue_excl_tax'),
    sql<string>`coalesce(sum(${figure('postgres', 'total_cost')}), 0)`.as('total_cost'),
    sql<string>`coalesce(sum(${figure('postgres', 'margin')}), 0)`.as('margin'),
  ] as const;
}

function sumsFrom(row: {
  quotes: string | number;
  contract_value: string;
  revenue_excl_tax: string;
  total_cost: string;
  margin: string;
}): FigureSums {
  // Through MoneyTotal so that both dialects write a sum the same way (two decimals at the fen).
  const exact = (text: string) => new MoneyTotal().add(String(text)).toString();
  return {
    quotes: Number(row.quotes),
    contractValue: exact(row.contract_value),
    revenueExclTax: exact(row.revenue_excl_tax),
    totalCost: exact(row.total_cost),
    margin: exact(row.margin),
  };
}

/**
 * Pages through the quotes `filter` matches on `tx`, oldest first. The loop yields to the event
 * loop after each page, so that on SQLite (whose calls are synchronous) other requests go on.
 */
async function eachFiguresPage(
  tx: Kysely<Database>,
  dialect: Dialect,
  filter: MarginFilter,
  pageSize: number,
  consume: (page: QuoteFigures[]) => Promise<void> | void,
): Promise<void> {
  let cursor: Cursor | undefined;
  for (;;) {
    const rows = await figuresPage(tx, dialect, filter, pageSize, cursor).execute();
    if (rows.length > 0) await consume(rows.map(quoteFiguresFrom));
    const last = rows.at(-1);
    if (!last || rows.length < pageSize) return;
    cursor = cursorOf(last);
    await makeWay();
  }
}

/** The sums of every quote `filter` matches, in SQL numeric (PostgreSQL). */
async function totalIn(tx: Kysely<Database>, filter: MarginFilter): Promise<FigureSums> {
  const row = await matching(tx, 'postgres', filter)
    .select([...sumColumns()])
    .executeTakeFirstOrThrow();
  return sumsFrom(row);
}

export async function sumQuoteFigures(
  connection: StoreConnection,
  filter: MarginFilter,
  groupBy: FigureGrouping,
): Promise<{ groups: FigureGroup[]; total: FigureSums }> {
  return connection.longReadSnapshot(async (tx) => {
    if (connection.dialect === 'postgres') {
      const rows = await matching(tx, 'postgres', filter)
        .select([
          keyExpression('postgres', filter, groupBy).as('key'),
          ...sumColumns(),
          // The name on the enterprise's latest quote.
          sql<
            string | null
          >`(array_agg(enterprise_name order by created_at desc, year desc, sequence desc))[1]`.as(
            'name',
          ),
        ])
        .groupBy(sql`1`)
        .execute();
      const groups = rows.map((row) => ({
        key: row.key,
        ...(groupBy === 'enterprise' && row.name !== null ? { name: row.name } : {}),
        ...sumsFrom(row),
      }));
      return { groups, total: await totalIn(tx, filter) };
    }
    return sumInNode(tx, filter, groupBy);
  });
}

/**
 * SQLite's sums: the key and the four figures of each quote, read along the report index a page
 * at a time, added up per group in MoneyTotal; the total is the sum of the groups. Only the
 * columns a grouping needs are read: every column more costs some 0.3 µs a quote.
 */
async function sumInNode(
  tx: Kysely<Database>,
  filter: MarginFilter,
  groupBy: FigureGrouping,
): Promise<{ groups: FigureGroup[]; total: FigureSums }> {
  const groups = new Map<string, { totals: FigureTotals; name: string }>();
  let cursor: Cursor | undefined;
  for (;;) {
    const rows = await after(matching(tx, 'sqlite', filter), cursor)
      .select([
        'created_at',
        'year',
        'sequence',
        keyExpression('sqlite', filter, groupBy).as('key'),
        'enterprise_name',
        'contract_value',
        figure('sqlite', 'revenue_excl_tax').as('revenue_excl_tax'),
        figure('sqlite', 'total_cost').as('total_cost'),
        figure('sqlite', 'margin').as('margin'),
      ])
      .orderBy('created_at')
      .orderBy('year')
      .orderBy('sequence')
      .limit(SUM_PAGE_SIZE)
      .execute();
    for (const row of rows) {
      const key = groupBy === 'month' ? monthOf(instantText(row.created_at)) : row.key;
      let group = groups.get(key);
      if (!group) {
        group = { totals: new FigureTotals(), name: row.enterprise_name };
        groups.set(key, group);
      }
      group.totals.add({
        contractValue: row.contract_value,
        revenueExclTax: row.revenue_excl_tax ?? '0',
        totalCost: row.total_cost ?? '0',
        margin: row.margin ?? '0',
      });
      // Oldest first: the last name seen is the one on the latest quote.
      group.name = row.enterprise_name;
    }
    const last = rows.at(-1);
    if (!last || rows.length < SUM_PAGE_SIZE) break;
    cursor = { createdAt: instantText(last.created_at), year: last.year, sequence: last.sequence };
    await makeWay();
  }
  const total = new FigureTotals();
  for (const group of groups.values()) total.addTotals(group.totals);
  return {
    groups: [...groups].map(([key, group]) => ({
      key,
      ...(groupBy === 'enterprise' ? { name: group.name } : {}),
      ...group.totals.sums(),
    })),
    total: total.sums(),
  };
}

export async function readQuoteFigures(
  connection: StoreConnection,
  filter: MarginFilter,
  pageSize: number,
  consume: PageConsumer<QuoteFigures>,
): Promise<FigureSums> {
  return connection.longReadSnapshot(async (tx) => {
    const totals = new FigureTotals();
    await eachFiguresPage(tx, connection.dialect, filter, pageSize, async (page) => {
      if (connection.dialect === 'sqlite') for (const figures of page) totals.add(figures);
      await consume(page);
    });
    return connection.dialect === 'postgres' ? totalIn(tx, filter) : totals.sums();
  });
}

export async function readQuoteComponents(
  connection: StoreConnection,
  filter: MarginFilter,
  pageSize: number,
  consume: PageConsumer<QuoteComponentsSource>,
): Promise<FigureSums> {
  const part = (dialect: Dialect, path: string) =>
    dialect === 'postgres'
      ? sql<string | null>`(quote -> ${sql.lit(path)})::text`
      : sql<string | null>`json_extract(quote, ${sql.lit(`$.${path}`)})`;
  return connection.longReadSnapshot(async (tx) => {
    const totals = new FigureTotals();
    let cursor: Cursor | undefined;
    for (;;) {
      const rows = await after(matching(tx, connection.dialect, filter), cursor)
        .select([
          'number',
          'created_at',
          'year',
          'sequence',
          'rule_set_hash',
          'contract_value',
          part(connection.dialect, 'termMonths').as('term_months'),
          part(connection.dialect, 'items').as('items'),
          part(connection.dialect, 'credits').as('credits'),
          part(connection.dialect, 'internal').as('internal'),
        ])
        .orderBy('created_at')
        .orderBy('year')
        .orderBy('sequence')
        .limit(pageSize)
        .execute();
      if (rows.length > 0) {
        const page = rows.map((row): QuoteComponentsSource => {
          const {
            approvalRules: _rules,
            approval: _level,
            ...internal
          } = JSON.parse(row.internal ?? '{}') as QuoteComponentsSource['internal'] & {
            approvalRules: unknown;
            approval: unknown;
          };
          return {
            number: row.number,
            ruleSetHash: row.rule_set_hash,
            termMonths: Number(row.term_months),
            items: JSON.parse(row.items ?? '[]') as QuoteComponentsSource['items'],
            credits: JSON.parse(row.credits ?? '[]') as QuoteComponentsSource['credits'],
            internal,
            contractValue: amount(row.contract_value),
          };
        });
        if (connection.dialect === 'sqlite') {
          for (const source of page) {
            totals.add({
              contractValue: source.contractValue,
              revenueExclTax: source.internal.revenueExclTax,
              totalCost: source.internal.totalCost,
              margin: source.internal.margin,
            });
          }
        }
        await consume(page);
      }
      const last = rows.at(-1);
      if (!last || rows.length < pageSize) {
        return connection.dialect === 'postgres' ? totalIn(tx, filter) : totals.sums();
      }
      cursor = {
        createdAt: instantText(last.created_at),
        year: last.year,
        sequence: last.sequence,
      };
      await makeWay();
    }
  });
}

/** Lets the requests this process serves go on between pages. */
function makeWay(): Promise<void> {
  return new Promise((resume) => setImmediate(resume));
}
