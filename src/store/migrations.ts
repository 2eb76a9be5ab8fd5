/**
 * The schema, as migrations defined in code and applied in order on open. One definition serves
 * both dialects; only the column types differ: money is TEXT (canonical decimal strings) in SQLite
 * and numeric in PostgreSQL, never REAL or float.
 *
 * Kysely's Migrator is not used: on SQLite it neither locks against a second process nor runs DDL
 * in a transaction, and on PostgreSQL it finds its bookkeeping table in any schema unless told
 * which. Here every pending migration runs in one write transaction (BEGIN IMMEDIATE in SQLite, a
 * transaction-scoped advisory lock in PostgreSQL), so concurrent starts apply each migration once.
 */
import { sql, type Kysely } from 'kysely';
import { GENESIS_HASH } from './audit-chain';
import type { Dialect, StoreConnection } from './connection';
import type { Database } from './schema';
import { APPROVAL_LEVELS, PUBLICATION_KINDS, ROLES, RULE_SET_STATES } from '../domain';

export interface Migration {
  name: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a migration sees the schema as it was then, not as schema.ts describes it now
  up(db: Kysely<any>, dialect: Dialect): Promise<void>;
}

/**
 * The quote states each migration allowed, as it was written: a migration is history, so a state
 * added to the domain later does not reach back into the tables an earlier migration made.
 */
const QUOTE_STATES_0001 = [
  'draft',
  'pending-approval',
  'approved',
  'issued',
  'accepted',
  'declined',
  'expired',
  'rejected',
] as const;
const QUOTE_STATES_0007 = [...QUOTE_STATES_0001, 'superseded', 'withdrawn'] as const;
/** The publication statuses of migration 0006, and of 0009, which lets one be called off. */
const PUBLICATION_STATUSES_0006 = ['scheduled', 'done'] as const;
const PUBLICATION_STATUSES_0009 = [...PUBLICATION_STATUSES_0006, 'cancelled'] as const;

/** Arbitrary but fixed: the key of the PostgreSQL advisory lock held while migrating. */
const MIGRATION_LOCK_KEY = 4_710_202_611;

function columnTypes(dialect: Dialect) {
  return dialect === 'postgres'
    ? ({ decimal: 'numeric', json: 'json', instant: 'timestamptz', bigint: 'bigint' } as const)
    : ({ decimal: 'text', json: 'text', instant: 'text', bigint: 'integer' } as const);
}

function oneOf(column: string, values: readonly string[]) {
  return sql`${sql.ref(column)} in (${sql.join(values.map((value) => sql.lit(value)))})`;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    name: '0001-quotes-rule-sets-users-audit',
    async up(db, dialect) {
      const type = columnTypes(dialect);

      await db.schema
        .createTable('rule_sets')
        .addColumn('hash', 'text', (column) => column.primaryKey())
        .addColumn('snapshot', type.json, (column) => column.notNull())
        .addColumn('created_at', type.instant, (column) => column.notNull())
        .addColumn('created_by', 'text', (column) => column.notNull())
        .execute();

      // One row per year; incrementing it inside the quote's transaction makes numbers gap-free.
      await db.schema
        .createTable('quote_counters')
        .addColumn('year', 'integer', (column) => column.primaryKey())
        .addColumn('last_number', 'integer', (column) => column.notNull())
        .execute();

      await db.schema
        .createTable('quotes')
        .addColumn('number', 'text', (column) => column.primaryKey())
        .addColumn('year', 'integer', (column) => column.notNull())
        .addColumn('sequence', 'integer', (column) => column.notNull())
        .addColumn('state', 'text', (column) => column.notNull())
        .addColumn('enterprise_id', 'text', (column) => column.notNull())
        .addColumn('enterprise_name', 'text', (column) => column.notNull())
        .addColumn('account_manager_id', 'text', (column) => column.notNull())
        .addColumn('approval_level', 'text', (column) => column.notNull())
        .addColumn('rule_set_hash', 'text', (column) =>
          column.notNull().references('rule_sets.hash'),
        )
        .addColumn('request', type.json, (column) => column.notNull())
        .addColumn('quote', type.json, (column) => column.notNull())
        .addColumn('contract_value', type.decimal, (column) => column.notNull())
        .addColumn('margin_pct', type.decimal, (column) => column.notNull())
        .addColumn('created_at', type.instant, (column) => column.notNull())
        .addColumn('valid_until', type.instant, (column) => column.notNull())
        .addColumn('updated_at', type.instant, (column) => column.notNull())
        .addColumn('decided_by', 'text')
        .addColumn('decided_at', type.instant)
        .addColumn('idempotency_key', 'text')
        .addUniqueConstraint('quotes_year_sequence', ['year', 'sequence'])
        .addCheckConstraint('quotes_state_known', oneOf('state', QUOTE_STATES_0001))
        .addCheckConstraint('quotes_approval_level_known', oneOf('approval_level', APPROVAL_LEVELS))
        .execute();
      // A retry with the same key by the same account manager must find the first quote.
      await db.schema
        .createIndex('quotes_idempotency_key')
        .unique()
        .on('quotes')
        .columns(['account_manager_id', 'idempotency_key'])
        .execute();
      await db.schema
        .createIndex('quotes_created_at')
        .on('quotes')
        .columns(['created_at', 'year', 'sequence'])
        .execute();
      await db.schema
        .createIndex('quotes_enterprise')
        .on('quotes')
        .columns(['enterprise_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('quotes_account_manager')
        .on('quotes')
        .columns(['account_manager_id', 'created_at'])
        .execute();
      await db.schema
        .createIndex('quotes_state')
        .on('quotes')
        .columns(['state', 'created_at'])
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (column) => column.primaryKey())
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('token_hash', 'text', (column) => column.notNull().unique())
        .addColumn('created_at', type.instant, (column) => column.notNull())
        .addCheckConstraint('users_role_known', oneOf('role', ROLES))
        .execute();

      await db.schema
        .createTable('audit_log')
        .addColumn('seq', type.bigint, (column) => column.primaryKey())
        .addColumn('at', type.instant, (column) => column.notNull())
        .addColumn('actor_id', 'text')
        .addColumn('action', 'text', (column) => column.notNull())
        .addColumn('quote_number', 'text')
        .addColumn('rule_set_hash', 'text')
        .addColumn('detail', type.json, (column) => column.notNull())
        .addColumn('prev_hash', 'text', (column) => column.notNull())
        .addColumn('hash', 'text', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('audit_log_quote_number')
        .on('audit_log')
        .columns(['quote_number', 'seq'])
        .execute();

      await db.schema
        .createTable('audit_chain_head')
        .addColumn('id', 'integer', (column) => column.primaryKey())
        .addColumn('seq', type.bigint, (column) => column.notNull())
        .addColumn('hash', 'text', (column) => column.notNull())
        .addCheckConstraint('audit_chain_head_single_row', sql`id = 1`)
        .execute();
      await db
        .insertInto('audit_chain_head')
        .values({ id: 1, seq: 0, hash: GENESIS_HASH })
        .execute();

      // Defence in depth: the store never edits or deletes audit rows, and the database refuses
      // to as well. Someone who drops or disables these triggers is caught by the hash chain.
      if (dialect === 'postgres') {
        await sql`
          create function audit_log_append_only() returns trigger language plpgsql as $$
          begin
            raise exception 'audit_log is append-only';
          end
          $$`.execute(db);
        await sql`
          create trigger audit_log_append_only before update or delete on audit_log
          for each row execute function audit_log_append_only()`.execute(db);
        await sql`
          create trigger audit_log_no_truncate before truncate on audit_log
          for each statement execute function audit_log_append_only()`.execute(db);
      } else {
        for (const operation of ['update', 'delete']) {
          await sql`
            create trigger ${sql.id(`audit_log_no_${operation}`)} before ${sql.raw(operation)} on audit_log
            begin
              select raise(abort, 'audit_log is append-only');
            end`.execute(db);
        }
      }
    },
  },
  {
    // A list is ordered by (created_at, year, sequence) after its filter. An index that stopped at
    // created_at left SQLite sorting every quote of a filter that share one created_at, whole rows
    // and all (a quote's JSON is about 6 kB): 1.3 s for one page of an account manager's list when
    // 200,000 of their quotes were stored with one timestamp. With the order's every column in the
    // index, a page is read in order and nothing is sorted.
    name: '0002-list-indexes-cover-order',
    async up(db) {
      for (const [index, column] of [
        ['quotes_enterprise', 'enterprise_id'],
        ['quotes_account_manager', 'account_manager_id'],
        ['quotes_state', 'state'],
      ] as const) {
        await db.schema.dropIndex(index).execute();
        await db.schema
          .createIndex(index)
          .on('quotes')
          .columns([column, 'created_at', 'year', 'sequence'])
          .execute();
      }
    },
  },
  {
    // The expiry sweep looks for open quotes whose validity has ended. It used to find them by
    // creation date (created at or before now minus the current rule set's validity), which
    // missed quotes priced under an earlier rule set with a shorter validity: a list filtered by
    // state kept showing them as open. With this index the sweep asks for exactly what it means,
    // valid_until < now, per open state, and reads only the quotes that are overdue.
    name: '0003-quotes-by-validity',
    async up(db) {
      await db.schema
        .createIndex('quotes_state_valid_until')
        .on('quotes')
        .columns(['state', 'valid_until', 'year', 'sequence'])
        .execute();
    },
  },
  {
    // From here on every audit entry of a quote carries the hash of the quote's row after the
    // change (quote-trail.ts), and verification recomputes every quote against its trail. Entries
    // written before carry none and cannot be given one (the chain forbids rewriting them), so the
    // seq where hashes begin is kept beside the chain head: verification notes a quote whose last
    // entry is older (its state, approval level and contract value are still checked against the
    // trail), and names a later entry without a hash as a problem.
    name: '0004-audit-quote-hashes',
    async up(db, dialect) {
      await db.schema
        .alterTable('audit_chain_head')
        .addColumn('quote_hashes_from', columnTypes(dialect).bigint, (column) =>
          column.notNull().defaultTo(1),
        )
        .execute();
      await db
        .updateTable('audit_chain_head')
        .set({ quote_hashes_from: sql`seq + 1` })
        .execute();
    },
  },
  {
    // Margin reports (issue 15) sum each quote's revenue, cost and margin and group quotes by tier
    // and industry, all of which live in the quote's JSON (about 6 kB a quote): reading and parsing
    // that for 100,000 quotes took seconds. The figures are kept beside the row, computed from the
    // JSON when it is written, so they can never disagree with it nor be written themselves.
    //
    // PostgreSQL: one stored generated column of a composite type, from a function that parses the
    // quote once (json_to_record); a column per figure parsed it once each, some 25 µs every time,
    // on every create. SQLite can only add virtual generated columns, which its planner does not
    // read from an index; it does read an indexed expression from the index, so one index holds
    // these expressions with every other column a report reads, in the order reports read quotes:
    // a report reads that index and never a quote's JSON.
    name: '0005-margin-report-figures',
    async up(db, dialect) {
      if (dialect === 'postgres') {
        const fields = Object.entries(MARGIN_FIGURE_SOURCES).map(
          ([name, source]) => sql`${sql.ref(name)} ${sql.raw(source.decimal ? 'numeric' : 'text')}`,
        );
        await sql`create type quote_report_figures as (${sql.join(fields)})`.execute(db);
        const internal = (figure: string) => sql`(top.internal ->> ${sql.lit(figure)})::numeric`;
        await sql`
          create function quote_report_figures(quote json, request json)
          returns quote_report_figures language sql immutable parallel safe as $$
            select row(
              top.tier,
              request #>> '{enterprise,industry}',
              ${internal('revenueExclTax')},
              ${internal('totalCost')},
              ${internal('margin')}
            )::quote_report_figures
            from json_to_record(quote) as top(tier text, internal json)
          $$`.execute(db);
        await sql`
          alter table quotes add column ${sql.ref(MARGIN_FIGURES_COLUMN)} quote_report_figures
          generated always as (quote_report_figures(quote, request)) stored`.execute(db);
        return;
      }
      const columns = MARGIN_REPORT_INDEX.map((column) =>
        column in MARGIN_FIGURE_SOURCES
          ? sqliteFigureExpression(column as MarginFigure)
          : sql.ref(column),
      );
      await sql`create index quotes_margin_report on quotes (${sql.join(columns)})`.execute(db);
    },
  },
  {
    // Rule sets become governed versions (issue 13): pushed as drafts with an author and a note,
    // published deliberately, retired when replaced. Rule sets stored before were live at some
    // time (the service stored the set it started with), so they count as retired: the first
    // start after this migration imports RULES_DIR as the live set, as on a new store.
    //
    // Exactly one set is live. The database holds that twice over: rule_set_live is one row that
    // every publication locks and moves (its version tells each service process, cheaply, that
    // something changed), and a partial unique index refuses a second `published` row whatever
    // code writes it. Publications are kept as history: a rollback republishes what was live
    // before, and a scheduled one waits for its effective_from.
    name: '0006-rule-set-versions',
    async up(db, dialect) {
      const type = columnTypes(dialect);
      for (const [column, columnType] of [
        ['author', 'text'],
        ['published_at', type.instant],
        ['published_by', 'text'],
      ] as const) {
        await db.schema.alterTable('rule_sets').addColumn(column, columnType).execute();
      }
      await db.schema
        .alterTable('rule_sets')
        .addColumn('note', 'text', (column) => column.notNull().defaultTo(''))
        .execute();
      await db.schema
        .alterTable('rule_sets')
        .addColumn('state', 'text', (column) =>
          column.notNull().defaultTo('draft').check(oneOf('state', RULE_SET_STATES)),
        )
        .execute();
      await db.updateTable('rule_sets').set({ state: 'retired' }).execute();
      await sql`create unique index rule_sets_one_published on rule_sets (state) where state = 'published'`.execute(
        db,
      );

      await db.schema
        .createTable('rule_set_live')
        .addColumn('id', 'integer', (column) => column.primaryKey())
        .addColumn('hash', 'text', (column) => column.references('rule_sets.hash'))
        .addColumn('version', type.bigint, (column) => column.notNull())
        .addColumn('changed_at', type.instant)
        .addCheckConstraint('rule_set_live_single_row', sql`id = 1`)
        .execute();
      await db.insertInto('rule_set_live').values({ id: 1, hash: null, version: 0 }).execute();

      await db.schema
        .createTable('rule_set_publications')
        .addColumn('seq', type.bigint, (column) => column.primaryKey())
        .addColumn('hash', 'text', (column) => column.notNull().references('rule_sets.hash'))
        .addColumn('kind', 'text', (column) => column.notNull())
        .addColumn('status', 'text', (column) => column.notNull())
        .addColumn('note', 'text', (column) => column.notNull())
        .addColumn('requested_by', 'text', (column) => column.notNull())
        .addColumn('requested_at', type.instant, (column) => column.notNull())
        .addColumn('effective_from', type.instant, (column) => column.notNull())
        .addColumn('from_hash', 'text')
        .addColumn('took_effect_at', type.instant)
        // rule_set_live.version once it took effect: the order publications went live in.
        .addColumn('live_version', type.bigint)
        .addCheckConstraint('rule_set_publications_kind_known', oneOf('kind', PUBLICATION_KINDS))
        .addCheckConstraint(
          'rule_set_publications_status_known',
          oneOf('status', PUBLICATION_STATUSES_0006),
        )
        .execute();
      await db.schema
        .createIndex('rule_set_publications_due')
        .on('rule_set_publications')
        .columns(['status', 'effective_from', 'seq'])
        .execute();
    },
  },
  {
    // The web workspace (issue 16) signs a user in once with their token and keeps a session in
    // the store, so that every service process knows it and a sign-out ends it everywhere. Only
    // the sha256 of a session id is kept, as for tokens: a copy of the table signs nobody in. The
    // CSRF token is the session's own, compared with what each form sends.
    name: '0008-web-sessions',
    async up(db, dialect) {
      const type = columnTypes(dialect);
      await db.schema
        .createTable('web_sessions')
        .addColumn('id_hash', 'text', (column) => column.primaryKey())
        .addColumn('user_id', 'text', (column) => column.notNull().references('users.id'))
        .addColumn('csrf_token', 'text', (column) => column.notNull())
        .addColumn('created_at', type.instant, (column) => column.notNull())
        .addColumn('last_seen_at', type.instant, (column) => column.notNull())
        .addColumn('expires_at', type.instant, (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('web_sessions_by_expiry')
        .on('web_sessions')
        .column('expires_at')
        .execute();
    },
  },
  {
    // Appended after 0008, which landed first: it touches neither web_sessions nor anything 0008
    // depends on, so either order gives one schema.
    // Revisions and withdrawals (issue 14): two more states, each quote's link to the quote it
    // supersedes and to the one that superseded it, and a user's contact for the proposal.
    // PostgreSQL changes the state check in place. SQLite cannot alter a check constraint, so the
    // quotes table is rebuilt as its documentation prescribes (create, copy, drop, rename, and
    // every index recreated from its own DDL): each row is copied exactly as it was.
    name: '0007-revisions-withdrawals-contacts',
    async up(db, dialect) {
      if (dialect === 'postgres') {
        await sql`
          alter table quotes
            drop constraint quotes_state_known,
            add constraint quotes_state_known check (${oneOf('state', QUOTE_STATES_0007)}),
            add column supersedes text references quotes (number),
            add column superseded_by text references quotes (number)`.execute(db);
      } else {
        await rebuildSqliteQuotes(db);
      }
      await db.schema.alterTable('users').addColumn('phone', 'text').execute();
      await db.schema.alterTable('users').addColumn('email', 'text').execute();
    },
  },
  {
    // A scheduled publication can be called off before it takes effect (issue 13): its status
    // becomes `cancelled`, with who did it and when (the note goes to the audit log). PostgreSQL
    // changes the status check in place; SQLite rebuilds the table as 0007 rebuilt quotes, each
    // row copied as it was and the index made again from its own DDL.
    name: '0009-cancel-scheduled-publications',
    async up(db, dialect) {
      const type = columnTypes(dialect);
      if (dialect === 'postgres') {
        await sql`
          alter table rule_set_publications
            drop constraint rule_set_publications_status_known,
            add constraint rule_set_publications_status_known
              check (${oneOf('status', PUBLICATION_STATUSES_0009)})`.execute(db);
      } else {
        await rebuildSqlitePublications(db);
      }
      await db.schema
        .alterTable('rule_set_publications')
        .addColumn('cancelled_at', type.instant)
        .execute();
      await db.schema
        .alterTable('rule_set_publications')
        .addColumn('cancelled_by', 'text')
        .execute();
    },
  },
];

/** The columns of rule_set_publications as migration 0006 made them, in order. */
const PUBLICATION_COLUMNS_0006 = [
  'seq',
  'hash',
  'kind',
  'status',
  'note',
  'requested_by',
  'requested_at',
  'effective_from',
  'from_hash',
  'took_effect_at',
  'live_version',
] as const;

/** SQLite, migration 0009: rule_set_publications as 0006 made it, with 0009's statuses. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Migration.up
async function rebuildSqlitePublications(db: Kysely<any>): Promise<void> {
  const { rows: indexes } = await sql<{ sql: string }>`
    select sql from sqlite_master
    where type = 'index' and tbl_name = 'rule_set_publications' and sql is not null`.execute(db);
  await db.schema
    .createTable('rule_set_publications_0009')
    .addColumn('seq', 'integer', (column) => column.primaryKey())
    .addColumn('hash', 'text', (column) => column.notNull().references('rule_sets.hash'))
    .addColumn('kind', 'text', (column) => column.notNull())
    .addColumn('status', 'text', (column) => column.notNull())
    .addColumn('note', 'text', (column) => column.notNull())
    .addColumn('requested_by', 'text', (column) => column.notNull())
    .addColumn('requested_at', 'text', (column) => column.notNull())
    .addColumn('effective_from', 'text', (column) => column.notNull())
    .addColumn('from_hash', 'text')
    .addColumn('took_effect_at', 'text')
    .addColumn('live_version', 'integer')
    .addCheckConstraint('rule_set_publications_kind_known', oneOf('kind', PUBLICATION_KINDS))
    .addCheckConstraint(
      'rule_set_publications_status_known',
      oneOf('status', PUBLICATION_STATUSES_0009),
    )
    .execute();
  const columns = sql.join(PUBLICATION_COLUMNS_0006.map((column) => sql.ref(column)));
  await sql`insert into rule_set_publications_0009 (${columns}) select ${columns} from rule_set_publications`.execute(
    db,
  );
  await sql`drop table rule_set_publications`.execute(db);
  await sql`alter table rule_set_publications_0009 rename to rule_set_publications`.execute(db);
  for (const index of indexes) await sql.raw(index.sql).execute(db);
}

/** The columns of the quotes table up to migration 0007, in order; 0007 adds the last two. */
const QUOTE_COLUMNS_0001 = [
  'number',
  'year',
  'sequence',
  'state',
  'enterprise_id',
  'enterprise_name',
  'account_manager_id',
  'approval_level',
  'rule_set_hash',
  'request',
  'quote',
  'contract_value',
  'margin_pct',
  'created_at',
  'valid_until',
  'updated_at',
  'decided_by',
  'decided_at',
  'idempotency_key',
] as const;

/**
 * SQLite, migration 0007: the quotes table as 0001 made it, with 0007's states and links; the
 * rows copied column by column and the indexes of 0001–0005 made again from their stored DDL.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as Migration.up
async function rebuildSqliteQuotes(db: Kysely<any>): Promise<void> {
  const { rows: indexes } = await sql<{ sql: string }>`
    select sql from sqlite_master
    where type = 'index' and tbl_name = 'quotes' and sql is not null`.execute(db);
  await db.schema
    .createTable('quotes_0007')
    .addColumn('number', 'text', (column) => column.primaryKey())
    .addColumn('year', 'integer', (column) => column.notNull())
    .addColumn('sequence', 'integer', (column) => column.notNull())
    .addColumn('state', 'text', (column) => column.notNull())
    .addColumn('enterprise_id', 'text', (column) => column.notNull())
    .addColumn('enterprise_name', 'text', (column) => column.notNull())
    .addColumn('account_manager_id', 'text', (column) => column.notNull())
    .addColumn('approval_level', 'text', (column) => column.notNull())
    .addColumn('rule_set_hash', 'text', (column) => column.notNull().references('rule_sets.hash'))
    .addColumn('request', 'text', (column) => column.notNull())
    .addColumn('quote', 'text', (column) => column.notNull())
    .addColumn('contract_value', 'text', (column) => column.notNull())
    .addColumn('margin_pct', 'text', (column) => column.notNull())
    .addColumn('created_at', 'text', (column) => column.notNull())
    .addColumn('valid_until', 'text', (column) => column.notNull())
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('decided_by', 'text')
    .addColumn('decided_at', 'text')
    .addColumn('idempotency_key', 'text')
    // The table is renamed to quotes below; SQLite rewrites these references with it.
    .addColumn('supersedes', 'text', (column) => column.references('quotes_0007.number'))
    .addColumn('superseded_by', 'text', (column) => column.references('quotes_0007.number'))
    .addUniqueConstraint('quotes_year_sequence', ['year', 'sequence'])
    .addCheckConstraint('quotes_state_known', oneOf('state', QUOTE_STATES_0007))
    .addCheckConstraint('quotes_approval_level_known', oneOf('approval_level', APPROVAL_LEVELS))
    .execute();
  const columns = sql.join(QUOTE_COLUMNS_0001.map((column) => sql.ref(column)));
  await sql`insert into quotes_0007 (${columns}) select ${columns} from quotes`.execute(db);
  await sql`drop table quotes`.execute(db);
  await sql`alter table quotes_0007 rename to quotes`.execute(db);
  for (const index of indexes) await sql.raw(index.sql).execute(db);
}

/** PostgreSQL: the generated column of migration 0005 that holds every MARGIN_FIGURE_SOURCES field. */
export const MARGIN_FIGURES_COLUMN = 'report_figures';

/**
 * The figures of a quote that reports read, and where each lives in its JSON: fields of these
 * names of one generated column in PostgreSQL, indexed expressions in SQLite (migration 0005).
 */
export const MARGIN_FIGURE_SOURCES = {
  tier: { document: 'quote', path: ['tier'], decimal: false },
  industry: { document: 'request', path: ['enterprise', 'industry'], decimal: false },
  revenue_excl_tax: { document: 'quote', path: ['internal', 'revenueExclTax'], decimal: true },
  total_cost: { document: 'quote', path: ['internal', 'totalCost'], decimal: true },
  margin: { document: 'quote', path: ['internal', 'margin'], decimal: true },
} as const;
export type MarginFigure = keyof typeof MARGIN_FIGURE_SOURCES;

/** A figure as SQLite computes it, written exactly as the index of migration 0005 holds it. */
export function sqliteFigureExpression(figure: MarginFigure) {
  const source = MARGIN_FIGURE_SOURCES[figure];
  return sql<
    string | null
  >`json_extract(${sql.ref(source.document)}, ${sql.lit(`$.${source.path.join('.')}`)})`;
}

/**
 * Every column a margin report reads (src/store/margin-figures.ts), led by the order it reads
 * quotes in, so that SQLite answers a report from this index alone.
 */
const MARGIN_REPORT_INDEX = [
  'created_at',
  'year',
  'sequence',
  'number',
  'state',
  'valid_until',
  'enterprise_id',
  'enterprise_name',
  'account_manager_id',
  'approval_level',
  'rule_set_hash',
  'contract_value',
  'margin_pct',
  'tier',
  'industry',
  'revenue_excl_tax',
  'total_cost',
  'margin',
] as const;

/**
 * Applies every migration not yet applied, in order, in one serialised write transaction.
 * `migrations` is for tests that build a database as an earlier version left it.
 */
export async function migrateToLatest(
  connection: StoreConnection,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<string[]> {
  return connection.writeTransaction(async (tx: Kysely<Database>) => {
    if (connection.dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(tx);
    }
    await tx.schema
      .createTable('store_migrations')
      .ifNotExists()
      .addColumn('name', 'text', (column) => column.primaryKey())
      .addColumn('applied_at', 'text', (column) => column.notNull())
      .execute();
    const applied = new Set(
      (await tx.selectFrom('store_migrations').select('name').execute()).map((row) => row.name),
    );
    const appliedNow: string[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.name)) continue;
      await migration.up(tx, connection.dialect);
      await tx
        .insertInto('store_migrations')
        .values({ name: migration.name, applied_at: new Date().toISOString() })
        .execute();
      appliedNow.push(migration.name);
    }
    return appliedNow;
  });
}
