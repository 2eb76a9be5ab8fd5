/**
 * Appending to the audit chain inside the caller's write transaction. Reading the chain head
 * (locked FOR UPDATE in PostgreSQL; SQLite's write transaction already excludes other writers)
 * and moving it in the same transaction means two appends can never link to the same entry, and a
 * rollback takes the entries back with the change they record.
 */
import type { Kysely } from 'kysely';
import { auditEntryHash, type AuditFields } from './audit-chain';
import type { Dialect } from './connection';
import type { Database } from './schema';
import type { AuditEntry } from './types';

export type NewAuditEntry = Omit<AuditFields, 'seq' | 'prevHash'>;

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
  let seq = Number(head.seq);
  let prevHash = head.hash;
  const appended = entries.map((entry): AuditEntry => {
    seq += 1;
    // Hash exactly what will be read back: the detail after a JSON round trip.
    const detail = JSON.parse(JSON.stringify(entry.detail)) as Record<string, unknown>;
    const fields: AuditFields = { ...entry, detail, seq, prevHash };
    const hash = auditEntryHash(fields);
    prevHash = hash;
    return { ...fields, hash };
  });
  await tx
    .insertInto('audit_log')
    .values(
      appended.map((entry) => ({
        seq: entry.seq,
        at: entry.at,
        actor_id: entry.actorId,
        action: entry.action,
        quote_number: entry.quoteNumber,
        rule_set_hash: entry.ruleSetHash,
        detail: JSON.stringify(entry.detail),
        prev_hash: entry.prevHash,
        hash: entry.hash,
      })),
    )
    .execute();
  await tx
    .updateTable('audit_chain_head')
    .set({ seq, hash: prevHash })
    .where('id', '=', 1)
    .execute();
  return appended;
}
