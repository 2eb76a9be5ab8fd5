/**
 * Storing new quotes with group commit. Numbering and the audit chain serialise every create, so
 * a create costs at least one durable commit while holding the locks; quotes that arrive while a
 * commit is in flight therefore wait and are stored together in the next transaction: one counter
 * update per year, one multi-row insert, one audit append, one commit. A lone request never waits
 * for company. If a batch fails (a missing rule set, a race on an idempotency key with another
 * process), each of its quotes is retried on its own, so one bad quote fails only itself.
 */
import type { Insertable, Kysely, QueryCreator } from 'kysely';
import {
  appendAudit,
  auditLogRows,
  chainHeadAfter,
  linkToChain,
  type NewAuditEntry,
} from './audit-append';
import type { StoreConnection } from './connection';
import {
  isForeignKeyViolation,
  isUniqueViolation,
  translateDatabaseError,
} from './database-errors';
import { formatQuoteNumber } from './quote-number';
import { QUOTE_HASH_FIELD, quoteHash } from './quote-trail';
import { storedQuoteFrom, type UnnumberedQuoteRow } from './rows';
import type { Database, QuotesTable } from './schema';
import type { StoredQuote } from './types';

export interface CreatedQuote {
  quote: StoredQuote;
  created: boolean;
}

type NumberedQuoteRow = Required<Insertable<QuotesTable>>;

/** A quote to store: its row, and the request and quote objects the row's JSON was made from. */
export interface QuoteToStore {
  row: UnnumberedQuoteRow;
  documents: Pick<StoredQuote, 'request' | 'quote'>;
}

interface PendingCreate extends QuoteToStore {
  resolve: (result: CreatedQuote) => void;
  reject: (error: unknown) => void;
}

/**
 * Most quotes stored in one transaction. Bounds the statement size (20 parameters per quote) and
 * how long one commit holds the locks.
 */
const MAX_BATCH = 100;

export class QuoteCreationQueue {
  readonly #connection: StoreConnection;
  #pending: PendingCreate[] = [];
  #draining = false;

  constructor(connection: StoreConnection) {
    this.#connection = connection;
  }

  /** Resolves once the quote (or the earlier one with its idempotency key) is committed. */
  create(quote: QuoteToStore): Promise<CreatedQuote> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ ...quote, resolve, reject });
      if (!this.#draining) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      // Let every request already read in this turn of the event loop join the first batch.
      // better-sqlite3 commits synchronously, so without this yield each batch would hold only
      // the quote that started it, and every create would pay its own fsync.
      await new Promise<void>((resolve) => setImmediate(resolve));
      while (this.#pending.length > 0) {
        const batch = this.#pending.splice(0, MAX_BATCH);
        await this.#storeBatch(batch);
      }
    } finally {
      this.#draining = false;
    }
  }

  async #storeBatch(batch: PendingCreate[]): Promise<void> {
    try {
      const results = await this.#connection.writeTransaction((tx) =>
        storeQuotes(tx, this.#connection.dialect, batch),
      );
      batch.forEach((pending, index) => pending.resolve(results[index]!));
    } catch (error) {
      if (batch.length === 1) {
        await this.#settleFailure(batch[0]!, error);
        return;
      }
      for (const pending of batch) await this.#storeBatch([pending]);
    }
  }

  async #settleFailure(pending: PendingCreate, error: unknown): Promise<void> {
    const { row } = pending;
    try {
      if (row.idempotency_key !== null && isUniqueViolation(error)) {
        // Another process committed a quote with this key first: this retry returns that one.
        const earlier = await findByIdempotencyKeys(this.#connection.db, [row]);
        const quote = earlier.get(idempotencyId(row));
        if (quote) {
          pending.resolve({ quote, created: false });
          return;
        }
      }
      if (isForeignKeyViolation(error)) {
        pending.reject(
          new Error(
            `rule set ${row.rule_set_hash} is not stored: saveRuleSet it before storing quotes priced with it`,
          ),
        );
        return;
      }
      pending.reject(translateDatabaseError(error));
    } catch (lookupError) {
      pending.reject(translateDatabaseError(lookupError));
    }
  }
}

/**
 * Stores quotes in the caller's write transaction, in order: numbers them gap-free per year,
 * inserts them and appends their `quote.created` audit entries. A quote whose idempotency key its
 * account manager already used (earlier, or earlier in this batch) is not stored; the first one is
 * returned instead.
 */
export async function storeQuotes(
  tx: Kysely<Database>,
  dialect: StoreConnection['dialect'],
  quotes: readonly QuoteToStore[],
): Promise<CreatedQuote[]> {
  const rows = quotes.map((quote) => quote.row);
  const earlier = await findByIdempotencyKeys(tx, rows);
  const firstWithKey = new Map<string, number>();
  const fresh: number[] = [];
  rows.forEach((row, index) => {
    if (row.idempotency_key === null) {
      fresh.push(index);
      return;
    }
    const id = idempotencyId(row);
    if (earlier.has(id) || firstWithKey.has(id)) return;
    firstWithKey.set(id, index);
    fresh.push(index);
  });

  const numbered = new Map<number, NumberedQuoteRow>();
  const years = [...new Set(fresh.map((index) => rows[index]!.year))].sort((a, b) => a - b);
  if (dialect === 'postgres' && years.length === 1) {
    const ofYear = await numberAndInsertPostgres(
      tx,
      years[0]!,
      fresh.map((index) => rows[index]!),
    );
    fresh.forEach((index, position) => numbered.set(index, ofYear[position]!));
  } else if (fresh.length > 0) {
    // Years in ascending order, so two processes never wait for each other's counters in a cycle.
    for (const year of years) {
      const ofYear = fresh.filter((index) => rows[index]!.year === year);
      // The counter row's lock serialises numbering across processes; a rollback undoes it.
      const { last_number: last } = await advanceCounter(
        tx,
        year,
        ofYear.length,
      ).executeTakeFirstOrThrow();
      const rowsOfYear = numberRows(
        ofYear.map((index) => rows[index]!),
        year,
        last,
      );
      ofYear.forEach((index, position) => numbered.set(index, rowsOfYear[position]!));
    }
    const inserted = fresh.map((index) => numbered.get(index)!);
    await tx.insertInto('quotes').values(inserted).execute();
    await appendAudit(tx, dialect, inserted.map(createdEntry));
  }

  return rows.map((row, index) => {
    const own = numbered.get(index);
    if (own) return { quote: storedQuoteFrom(own, quotes[index]!.documents), created: true };
    const id = idempotencyId(row);
    const firstIndex = firstWithKey.get(id);
    const first =
      earlier.get(id) ??
      storedQuoteFrom(numbered.get(firstIndex!)!, quotes[firstIndex!]!.documents);
    return { quote: first, created: false };
  });
}

/**
 * PostgreSQL, one year: the same steps as the general path in two statements, so the year's
 * counter and the audit chain head stay locked for two round trips and the commit instead of
 * five. Another process waiting for those locks waits that much less, and a process's event loop
 * (busy pricing other requests between round trips) stretches fewer of them.
 */
async function numberAndInsertPostgres(
  tx: Kysely<Database>,
  year: number,
  rows: readonly UnnumberedQuoteRow[],
): Promise<NumberedQuoteRow[]> {
  const locked = await tx
    .with('counter', (db) => advanceCounter(db, year, rows.length))
    .selectFrom(['counter', 'audit_chain_head'])
    .select(['counter.last_number', 'audit_chain_head.seq', 'audit_chain_head.hash'])
    .where('audit_chain_head.id', '=', 1)
    .forUpdate('audit_chain_head')
    .executeTakeFirstOrThrow();
  const numbered = numberRows(rows, year, locked.last_number);
  const appended = linkToChain(
    { seq: Number(locked.seq), hash: locked.hash },
    numbered.map(createdEntry),
  );
  await tx
    .with('stored_quotes', (db) => db.insertInto('quotes').values(numbered))
    .with('stored_entries', (db) => db.insertInto('audit_log').values(auditLogRows(appended)))
    .updateTable('audit_chain_head')
    .set(chainHeadAfter(appended))
    .where('id', '=', 1)
    .execute();
  return numbered;
}

/** Moves the year's counter on by `count` (creating it at `count`), returning where it ends. */
function advanceCounter(db: QueryCreator<Database>, year: number, count: number) {
  return db
    .insertInto('quote_counters')
    .values({ year, last_number: count })
    .onConflict((conflict) =>
      conflict.column('year').doUpdateSet((update) => ({
        last_number: update(update.ref('quote_counters.last_number'), '+', count),
      })),
    )
    .returning('last_number');
}

/** Gives `rows` of one year the numbers up to `last`, the counter after them, in order. */
function numberRows(
  rows: readonly UnnumberedQuoteRow[],
  year: number,
  last: number,
): NumberedQuoteRow[] {
  return rows.map((row, position) => {
    const sequence = last - rows.length + 1 + position;
    return { ...row, sequence, number: formatQuoteNumber(year, sequence) };
  });
}

/** The `quote.created` entry of a stored quote, with the hash of the row as stored. */
function createdEntry(row: NumberedQuoteRow): NewAuditEntry {
  return {
    at: row.created_at,
    actorId: row.account_manager_id,
    action: 'quote.created',
    quoteNumber: row.number,
    ruleSetHash: row.rule_set_hash,
    detail: {
      state: row.state,
      enterpriseId: row.enterprise_id,
      approvalLevel: row.approval_level,
      contractValue: row.contract_value,
      ...(row.idempotency_key ? { idempotencyKey: row.idempotency_key } : {}),
      ...(row.supersedes ? { supersedes: row.supersedes } : {}),
      [QUOTE_HASH_FIELD]: quoteHash(row),
    },
  };
}

/** The quotes already stored under these rows' (account manager, idempotency key) pairs. */
async function findByIdempotencyKeys(
  db: Kysely<Database>,
  rows: readonly UnnumberedQuoteRow[],
): Promise<Map<string, StoredQuote>> {
  const keyed = rows.filter((row) => row.idempotency_key !== null);
  const found = new Map<string, StoredQuote>();
  if (keyed.length === 0) return found;
  const stored = await db
    .selectFrom('quotes')
    .selectAll()
    .where((expression) =>
      expression.or(
        keyed.map((row) =>
          expression.and([
            expression('account_manager_id', '=', row.account_manager_id),
            expression('idempotency_key', '=', row.idempotency_key),
          ]),
        ),
      ),
    )
    .execute();
  for (const row of stored) {
    const quote = storedQuoteFrom(row);
    found.set(idempotencyId(row), quote);
  }
  return found;
}

function idempotencyId(row: {
  account_manager_id: string;
  idempotency_key: string | null;
}): string {
  return JSON.stringify([row.account_manager_id, row.idempotency_key]);
}
