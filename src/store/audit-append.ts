/**
 * Appending to the audit chain inside the caller's write transaction. Reading the chain head
 * (locked FOR UPDATE in PostgreSQL; SQLite's write transaction already excludes other writers)
 * and moving it in the same transaction means two appends can never link to the same entry, and a
 * rollback takes the entries back with the change they record.
 */
import type { Insertable, Kysely } from 'kysely';
import { auditEntryHash, type AuditFields } from './audit-chain';
import type { Dialect } from './connection';
import type { AuditLogTable, Database } from './schema';
import type { AuditEntry } from './types';

export type NewAuditEntry = Omit<AuditFields, 'seq' | 'prevHash'>;

/** The last entry of the chain as recorded beside it: what the next entry links to. */
export interface ChainHead {
  seq: number;
  hash: string;
}

/** Appends `entries` in order, as consecutive links of the chain. */
export async function appendAudit(
  tx: Kysely<Database>,
  dialect: Dialect,
  entries: readonly NewAuditEntry[],
): Promise<AuditEntry[]> {
  if (entries.length === 0) return [];
  const head = await tx
    .selectFrom('audit_chain_head')
    .select(['seq', 'hash'])
    .where('id', '=', 1)
    .$if(dialect === 'postgres', (query) => query.forUpdate())
    .executeTakeFirstOrThrow();
  const appended = linkToChain({ seq: Number(head.seq), hash: head.hash }, entries);
  await tx.insertInto('audit_log').values(auditLogRows(appended)).execute();
  await tx
    .updateTable('audit_chain_head')
    .set(chainHeadAfter(appended))
    .where('id', '=', 1)
    .execute();
  return appended;
}

/** Numbers and hashes `entries` as the links that follow `head`. */
export function linkToChain(head: ChainHead, entries: readonly NewAuditEntry[]): AuditEntry[] {
  let seq = head.seq;
  let prevHash = head.hash;
  return entries.map((entry): AuditEntry => {
    seq += 1;
    // Hash exactly what will be read back: the detail after a JSON round trip.
    const detail = JSON.parse(JSON.stringify(entry.detail)) as Record<string, unknown>;
    const fields: AuditFields = { ...entry, detail, seq, prevHash };
    const hash = auditEntryHash(fields);
    prevHash = hash;
    return { ...fields, hash };
  });
}

/** The chain head once `appended` (not empty) is stored. */
export function chainHeadAfter(appended: readonly AuditEntry[]): ChainHead {
  const last = appended[appended.length - 1]!;
  return { seq: last.seq, hash: last.hash };
}

export function auditLogRows(entries: readonly AuditEntry[]): Insertable<AuditLogTable>[] {
  return entries.map((entry) => ({
    seq: entry.seq,
    at: entry.at,
    actor_id: entry.actorId,
    action: entry.action,
    quote_number: entry.quoteNumber,
    rule_set_hash: entry.ruleSetHash,
    detail: JSON.stringify(entry.detail),
    prev_hash: entry.prevHash,
    hash: entry.hash,
  }));
}
