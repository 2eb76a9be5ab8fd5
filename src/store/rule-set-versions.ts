/**
 * Rule sets as governed versions (issue 13): drafts pushed with an author and a note, one live
 * set per store, publications (immediate or scheduled) and rollbacks kept as history and audited.
 *
 * Every publication locks rule_set_live (its one row) for its whole transaction: publications are
 * serialised across processes, on SQLite by its write lock, on PostgreSQL by the row lock, so the
 * compare-and-set on the live set and the swap of states cannot interleave. The partial unique
 * index of migration 0006 refuses a second `published` row whatever happens above it.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import { AppError } from '../errors';
import { ruleSetHash, type RuleSetSnapshot } from '../rules/compile';
import { appendAudit } from './audit-append';
import type { StoreConnection } from './connection';
import { instant } from './rows';
import {
  instantText,
  type Database,
  type RuleSetPublicationsTable,
  type RuleSetsTable,
} from './schema';
import type {
  LiveRuleSetVersion,
  NewPublication,
  NewRuleSetDraft,
  Publication,
  StoredRuleSet,
} from './types';

/** The PostgreSQL channel a publication notifies on; its payload is the new live hash. */
export const LIVE_RULE_SET_CHANNEL = 'groupquote_live_rule_set';

/** The audit actions of a rule set's life, with the detail each carries. */
export const RULE_SET_AUDIT_ACTIONS = {
  pushed: 'ruleset.pushed',
  scheduled: 'ruleset.scheduled',
  publish: 'ruleset.published',
  rollback: 'ruleset.rolled-back',
  cancelled: 'ruleset.cancelled',
} as const;

type RuleSetRow = Pick<
  Selectable<RuleSetsTable>,
  | 'hash'
  | 'state'
  | 'author'
  | 'note'
  | 'created_at'
  | 'created_by'
  | 'published_at'
  | 'published_by'
>;

const RULE_SET_COLUMNS = [
  'hash',
  'state',
  'author',
  'note',
  'created_at',
  'created_by',
  'published_at',
  'published_by',
] as const;

export async function pushRuleSet(
  connection: StoreConnection,
  draft: NewRuleSetDraft,
): Promise<{ ruleSet: StoredRuleSet; created: boolean }> {
  const at = instant(draft.now, 'now');
  checkSnapshotHash(draft.hash, draft.snapshot);
  const note = draft.note.trim();
  return connection.writeTransaction(async (tx) => {
    const existing = await tx
      .selectFrom('rule_sets')
      .select(RULE_SET_COLUMNS)
      .where('hash', '=', draft.hash)
      .executeTakeFirst();
    if (existing?.author) {
      return { ruleSet: await describe(tx, existing), created: false };
    }
    if (existing) {
      await tx
        .updateTable('rule_sets')
        .set({ author: draft.author, note })
        .where('hash', '=', draft.hash)
        .execute();
    } else {
      await tx
        .insertInto('rule_sets')
        .values({
          hash: draft.hash,
          snapshot: JSON.stringify(draft.snapshot),
          created_at: at,
          created_by: draft.author,
          author: draft.author,
          note,
          state: 'draft',
        })
        .execute();
    }
    await appendAudit(tx, connection.dialect, [
      {
        at,
        actorId: draft.author,
        action: RULE_SET_AUDIT_ACTIONS.pushed,
        quoteNumber: null,
        ruleSetHash: draft.hash,
        detail: { note, files: Object.keys(draft.snapshot.files).sort() },
      },
    ]);
    const row = await tx
      .selectFrom('rule_sets')
      .select(RULE_SET_COLUMNS)
      .where('hash', '=', draft.hash)
      .executeTakeFirstOrThrow();
    return { ruleSet: await describe(tx, row), created: true };
  });
}

export async function listRuleSets(db: Kysely<Database>): Promise<StoredRuleSet[]> {
  const [rows, scheduled, names] = await Promise.all([
    db
      .selectFrom('rule_sets')
      .select(RULE_SET_COLUMNS)
      .orderBy('created_at', 'desc')
      .orderBy('hash')
      .execute(),
    scheduledFrom(db),
    userNames(db),
  ]);
  return rows.map((row) => storedRuleSetFrom(row, scheduled.get(row.hash), names));
}

export async function describeRuleSet(
  db: Kysely<Database>,
  hash: string,
): Promise<StoredRuleSet | undefined> {
  const row = await db
    .selectFrom('rule_sets')
    .select(RULE_SET_COLUMNS)
    .where('hash', '=', hash)
    .executeTakeFirst();
  return row ? describe(db, row) : undefined;
}

export async function liveRuleSetVersion(db: Kysely<Database>): Promise<LiveRuleSetVersion> {
  const row = await db
    .selectFrom('rule_set_live')
    .select(['hash', 'version'])
    .select((expression) =>
      expression
        .selectFrom('rule_set_publications')
        .select((inner) => inner.fn.min('effective_from').as('due'))
        .where('status', '=', 'scheduled')
        .as('next_due_at'),
    )
    .where('id', '=', 1)
    .executeTakeFirstOrThrow();
  return {
    ...(row.hash ? { hash: row.hash } : {}),
    version: Number(row.version),
    ...(row.next_due_at ? { nextDueAt: instantText(row.next_due_at) } : {}),
  };
}

export async function publishRuleSet(
  connection: StoreConnection,
  publication: NewPublication,
): Promise<Publication> {
  const now = instant(publication.now, 'now');
  const effectiveFrom =
    publication.effectiveFrom === undefined
      ? now
      : instant(publication.effectiveFrom, 'effectiveFrom');
  const note = publication.note.trim();
  return connection.writeTransaction(async (tx) => {
    const live = await lockLive(tx, connection);
    const target = await tx
      .selectFrom('rule_sets')
      .select(['hash', 'state'])
      .where('hash', '=', publication.hash)
      .executeTakeFirst();
    if (!target) {
      throw new AppError('not-found', `no rule set with hash ${publication.hash}`, {
        text: { key: 'rulesets.notFound', params: { hash: publication.hash } },
      });
    }
    if (publication.expectedLive !== undefined && live.hash !== publication.expectedLive) {
      throw new AppError(
        'conflict',
        `the live rule set changed meanwhile: it is now ${live.hash ?? 'none'}, not ${publication.expectedLive}`,
        {
          liveHash: live.hash,
          text: {
            key: 'rulesets.liveChanged',
            params: { live: live.hash ?? '—', expected: publication.expectedLive },
          },
        },
      );
    }
    if (live.hash === publication.hash) {
      throw new AppError('conflict', `rule set ${publication.hash} is already live`, {
        liveHash: live.hash,
        text: { key: 'rulesets.alreadyLive', params: { hash: publication.hash } },
      });
    }
    const seq = await nextPublicationSeq(tx);
    const row = {
      seq,
      hash: publication.hash,
      kind: publication.kind,
      note,
      requested_by: publication.actorId,
      requested_at: now,
      effective_from: effectiveFrom,
    };
    if (effectiveFrom > now) {
      await tx
        .insertInto('rule_set_publications')
        .values({ ...row, status: 'scheduled' })
        .execute();
      await appendAudit(tx, connection.dialect, [
        {
          at: now,
          actorId: publication.actorId,
          action: RULE_SET_AUDIT_ACTIONS.scheduled,
          quoteNumber: null,
          ruleSetHash: publication.hash,
          detail: { note, effectiveFrom, toHash: publication.hash, publication: seq },
        },
      ]);
      await notify(tx, connection, publication.hash);
      return publicationFrom(
        {
          ...row,
          status: 'scheduled',
          from_hash: null,
          took_effect_at: null,
          live_version: null,
          cancelled_at: null,
          cancelled_by: null,
        },
        await userNames(tx),
      );
    }
    await tx
      .insertInto('rule_set_publications')
      .values({ ...row, status: 'scheduled' })
      .execute();
    return takeEffect(tx, connection, live, row, now);
  });
}

export async function activateDuePublications(
  connection: StoreConnection,
  nowText: string,
): Promise<Publication[]> {
  const now = instant(nowText, 'now');
  // Most calls find nothing due: answer those without taking the write lock.
  const due = await connection.db
    .selectFrom('rule_set_publications')
    .select('seq')
    .where('status', '=', 'scheduled')
    .where('effective_from', '<=', now)
    .executeTakeFirst();
  if (!due) return [];
  return connection.writeTransaction(async (tx) => {
    let live = await lockLive(tx, connection);
    const rows = await tx
      .selectFrom('rule_set_publications')
      .selectAll()
      .where('status', '=', 'scheduled')
      .where('effective_from', '<=', now)
      .orderBy('effective_from')
      .orderBy('seq')
      .execute();
    const taken: Publication[] = [];
    for (const row of rows) {
      if (row.hash === live.hash) {
        // Already live (published by hand meanwhile): done, with nothing to swap.
        await tx
          .updateTable('rule_set_publications')
          .set({ status: 'done', from_hash: live.hash, took_effect_at: now })
          .where('seq', '=', row.seq)
          .execute();
        continue;
      }
      const publication = await takeEffect(tx, connection, live, row, now);
      taken.push(publication);
      live = { hash: publication.hash, version: live.version + 1 };
    }
    return taken;
  });
}

export async function importLiveRuleSet(
  connection: StoreConnection,
  input: { hash: string; snapshot: RuleSetSnapshot; actorId: string; note: string; now: string },
): Promise<{ hash: string; imported: boolean }> {
  const now = instant(input.now, 'now');
  const current = await liveRuleSetVersion(connection.db);
  if (current.hash) return { hash: current.hash, imported: false };
  checkSnapshotHash(input.hash, input.snapshot);
  return connection.writeTransaction(async (tx) => {
    const live = await lockLive(tx, connection);
    // Another process imported first, while this one waited for the lock.
    if (live.hash) return { hash: live.hash, imported: false };
    const note = input.note.trim();
    const stored = await tx
      .insertInto('rule_sets')
      .values({
        hash: input.hash,
        snapshot: JSON.stringify(input.snapshot),
        created_at: now,
        created_by: input.actorId,
        author: input.actorId,
        note,
        state: 'draft',
      })
      .onConflict((conflict) => conflict.column('hash').doNothing())
      .returning('hash')
      .executeTakeFirst();
    if (stored) {
      await appendAudit(tx, connection.dialect, [
        {
          at: now,
          actorId: input.actorId,
          action: 'ruleset.first-use',
          quoteNumber: null,
          ruleSetHash: input.hash,
          detail: { files: Object.keys(input.snapshot.files).sort() },
        },
      ]);
    }
    const row = {
      seq: await nextPublicationSeq(tx),
      hash: input.hash,
      kind: 'publish' as const,
      status: 'scheduled' as const,
      note,
      requested_by: input.actorId,
      requested_at: now,
      effective_from: now,
    };
    await tx.insertInto('rule_set_publications').values(row).execute();
    await takeEffect(tx, connection, live, row, now);
    return { hash: input.hash, imported: true };
  });
}

export async function listPublications(db: Kysely<Database>): Promise<Publication[]> {
  const [rows, names] = await Promise.all([
    db.selectFrom('rule_set_publications').selectAll().orderBy('seq').execute(),
    userNames(db),
  ]);
  return rows.map((row) => publicationFrom(row, names));
}

/**
 * Calls off every scheduled publication of `hash` that has not taken effect, audited with the
 * note. Under the live row's lock, so it cannot cross an activation: a publication that took
 * effect first is done, and there is nothing left to cancel (conflict).
 */
export async function cancelScheduledPublication(
  connection: StoreConnection,
  request: { hash: string; note: string; actorId: string; now: string },
): Promise<Publication[]> {
  const now = instant(request.now, 'now');
  const note = request.note.trim();
  return connection.writeTransaction(async (tx) => {
    await lockLive(tx, connection);
    const cancelled = await tx
      .updateTable('rule_set_publications')
      .set({ status: 'cancelled', cancelled_at: now, cancelled_by: request.actorId })
      .where('hash', '=', request.hash)
      .where('status', '=', 'scheduled')
      .returningAll()
      .execute();
    if (cancelled.length === 0) {
      throw new AppError(
        'conflict',
        `rule set ${request.hash} has no scheduled publication to cancel`,
        { text: { key: 'rulesets.nothingScheduled', params: { hash: request.hash } } },
      );
    }
    await appendAudit(
      tx,
      connection.dialect,
      cancelled.map((row) => ({
        at: now,
        actorId: request.actorId,
        action: RULE_SET_AUDIT_ACTIONS.cancelled,
        quoteNumber: null,
        ruleSetHash: request.hash,
        detail: {
          note,
          effectiveFrom: instantText(row.effective_from),
          toHash: request.hash,
          publication: Number(row.seq),
        },
      })),
    );
    // Every process forgets the due time it was waiting for.
    await notify(tx, connection, request.hash);
    const names = await userNames(tx);
    return cancelled
      .sort((a, b) => Number(a.seq) - Number(b.seq))
      .map((row) => publicationFrom(row, names));
  });
}

/** Each user's name by id, for the ids a version record keeps (author, publisher, requester). */
async function userNames(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('users').select(['id', 'name']).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

/**
 * The rule set a rollback republishes: publications push onto a stack of live sets as they take
 * effect and rollbacks pop it, so a second rollback goes one further back, never forth again.
 * Undefined when there is nothing to go back to.
 */
export function rollbackTarget(history: readonly Publication[]): string | undefined {
  const stack: string[] = [];
  const taken = history
    .filter((publication) => publication.status === 'done')
    .sort((a, b) => a.liveVersion! - b.liveVersion!);
  for (const publication of taken) {
    if (publication.kind === 'rollback') stack.pop();
    else stack.push(publication.hash);
  }
  return stack.at(-2);
}

interface LiveRow {
  hash: string | null;
  version: number;
}

async function lockLive(tx: Kysely<Database>, connection: StoreConnection): Promise<LiveRow> {
  const row = await tx
    .selectFrom('rule_set_live')
    .select(['hash', 'version'])
    .where('id', '=', 1)
    .$if(connection.dialect === 'postgres', (query) => query.forUpdate())
    .executeTakeFirstOrThrow();
  return { hash: row.hash, version: Number(row.version) };
}

/** Under the live row's lock, so two publications never take the same seq. */
async function nextPublicationSeq(tx: Kysely<Database>): Promise<number> {
  const { last } = await tx
    .selectFrom('rule_set_publications')
    .select((expression) => expression.fn.max('seq').as('last'))
    .executeTakeFirstOrThrow();
  return Number(last ?? 0) + 1;
}

/** The swap itself, inside the caller's transaction that holds the live row's lock. */
async function takeEffect(
  tx: Kysely<Database>,
  connection: StoreConnection,
  live: LiveRow,
  row: Pick<
    Selectable<RuleSetPublicationsTable>,
    'seq' | 'hash' | 'kind' | 'note' | 'requested_by' | 'requested_at' | 'effective_from'
  >,
  now: string,
): Promise<Publication> {
  const version = live.version + 1;
  if (live.hash) {
    await tx
      .updateTable('rule_sets')
      .set({ state: 'retired' })
      .where('hash', '=', live.hash)
      .execute();
  }
  await tx
    .updateTable('rule_sets')
    .set({ state: 'published', published_at: now, published_by: row.requested_by })
    .where('hash', '=', row.hash)
    .execute();
  await tx
    .updateTable('rule_set_live')
    .set({ hash: row.hash, version, changed_at: now })
    .where('id', '=', 1)
    .execute();
  const done = await tx
    .updateTable('rule_set_publications')
    .set({ status: 'done', from_hash: live.hash, took_effect_at: now, live_version: version })
    .where('seq', '=', row.seq)
    .returningAll()
    .executeTakeFirstOrThrow();
  const scheduled = instantText(row.effective_from) !== instantText(row.requested_at);
  await appendAudit(tx, connection.dialect, [
    {
      at: now,
      actorId: row.requested_by,
      action: RULE_SET_AUDIT_ACTIONS[row.kind],
      quoteNumber: null,
      ruleSetHash: row.hash,
      detail: {
        note: row.note,
        fromHash: live.hash,
        toHash: row.hash,
        publication: Number(row.seq),
        ...(scheduled ? { effectiveFrom: instantText(row.effective_from) } : {}),
      },
    },
  ]);
  await notify(tx, connection, row.hash);
  return publicationFrom(done, await userNames(tx));
}

/** PostgreSQL delivers the notification when the transaction commits, and not if it rolls back. */
async function notify(
  tx: Kysely<Database>,
  connection: StoreConnection,
  hash: string,
): Promise<void> {
  if (connection.dialect !== 'postgres') return;
  await sql`select pg_notify(${LIVE_RULE_SET_CHANNEL}, ${hash})`.execute(tx);
}

function checkSnapshotHash(hash: string, snapshot: RuleSetSnapshot): void {
  const actualHash = ruleSetHash(snapshot);
  if (actualHash !== hash) {
    throw new AppError(
      'invalid-input',
      `rule set hash ${hash} does not match its snapshot (which hashes to ${actualHash})`,
    );
  }
}

async function describe(db: Kysely<Database>, row: RuleSetRow): Promise<StoredRuleSet> {
  const [scheduled, names] = await Promise.all([scheduledFrom(db, row.hash), userNames(db)]);
  return storedRuleSetFrom(row, scheduled.get(row.hash), names);
}

/** The earliest scheduled publication of each set that has one. */
async function scheduledFrom(db: Kysely<Database>, hash?: string): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('rule_set_publications')
    .select(['hash', 'effective_from'])
    .where('status', '=', 'scheduled')
    .$if(hash !== undefined, (query) => query.where('hash', '=', hash!))
    .orderBy('effective_from', 'desc')
    .execute();
  return new Map(rows.map((row) => [row.hash, instantText(row.effective_from)]));
}

/** `{ [key]: name }` when `id` is a user's, so an id of the command line or the system shows as it is. */
function named<K extends string>(
  key: K,
  id: string | null | undefined,
  names: ReadonlyMap<string, string>,
): Partial<Record<K, string>> {
  const name = id ? names.get(id) : undefined;
  return (name !== undefined ? { [key]: name } : {}) as Partial<Record<K, string>>;
}

function storedRuleSetFrom(
  row: RuleSetRow,
  scheduled: string | undefined,
  names: ReadonlyMap<string, string>,
): StoredRuleSet {
  return {
    hash: row.hash,
    state: row.state,
    live: row.state === 'published',
    ...(row.author ? { author: row.author } : {}),
    ...named('authorName', row.author, names),
    note: row.note,
    createdAt: instantText(row.created_at),
    createdBy: row.created_by,
    ...named('createdByName', row.created_by, names),
    ...(row.published_at ? { publishedAt: instantText(row.published_at) } : {}),
    ...(row.published_by ? { publishedBy: row.published_by } : {}),
    ...named('publishedByName', row.published_by, names),
    ...(scheduled ? { scheduledFrom: scheduled } : {}),
  };
}

function publicationFrom(
  row: Selectable<RuleSetPublicationsTable>,
  names: ReadonlyMap<string, string>,
): Publication {
  return {
    seq: Number(row.seq),
    hash: row.hash,
    kind: row.kind,
    status: row.status,
    note: row.note,
    requestedBy: row.requested_by,
    ...named('requestedByName', row.requested_by, names),
    requestedAt: instantText(row.requested_at),
    effectiveFrom: instantText(row.effective_from),
    ...(row.from_hash ? { fromHash: row.from_hash } : {}),
    ...(row.took_effect_at ? { tookEffectAt: instantText(row.took_effect_at) } : {}),
    ...(row.live_version !== null ? { liveVersion: Number(row.live_version) } : {}),
    ...(row.cancelled_at ? { cancelledAt: instantText(row.cancelled_at) } : {}),
    ...(row.cancelled_by ? { cancelledBy: row.cancelled_by } : {}),
    ...named('cancelledByName', row.cancelled_by, names),
  };
}
