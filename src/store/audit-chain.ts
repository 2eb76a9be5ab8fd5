/**
 * The audit log's hash chain, as pure functions: how an entry's hash is computed and how a chain
 * read back from the database is checked. Each entry's hash covers its own fields and the hash of
 * the entry before, so changing, deleting or inserting a row breaks the chain at that row.
 */
import type { MessageText } from '../errors';
import type { AuditEntry, AuditVerification } from './types';
import { canonicalJson, sha256Hex } from '../hashing';

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export type AuditFields = Omit<AuditEntry, 'hash'>;

export function auditEntryHash(fields: AuditFields): string {
  const { seq, at, actorId, action, quoteNumber, ruleSetHash, detail, prevHash } = fields;
  return sha256Hex(
    canonicalJson({ seq, at, actorId, action, quoteNumber, ruleSetHash, detail, prevHash }),
  );
}

/**
 * Checks entries fed in seq order, then the chain head the service recorded. Reports each problem
 * once, at the seq where it shows: a changed row fails its own hash; a row whose hash was also
 * recomputed breaks the next row's link; a deleted row leaves a gap; a row added behind the
 * service's back lies beyond the recorded head.
 */
export class AuditChainVerifier {
  #expectedSeq = 1;
  #previousHash = GENESIS_HASH;
  #checked = 0;
  readonly #problems: AuditVerification['problems'] = [];

  check(entry: AuditEntry): void {
    this.#checked += 1;
    let linked = true;
    if (entry.seq > this.#expectedSeq) {
      const last = entry.seq - 1;
      const range = last === this.#expectedSeq ? `${last} is` : `${this.#expectedSeq}–${last} are`;
      this.#problem(this.#expectedSeq, `entry ${range} missing (deleted)`, {
        key: 'audit.missing',
        params: { entries: entriesParam(this.#expectedSeq, last) },
      });
      linked = false;
    } else if (entry.seq < this.#expectedSeq) {
      this.#problem(entry.seq, `entry ${entry.seq} is out of sequence (inserted)`, {
        key: 'audit.outOfSequence',
        params: { seq: entry.seq },
      });
      return;
    }
    if (linked && entry.prevHash !== this.#previousHash) {
      this.#problem(
        entry.seq,
        `entry ${entry.seq} does not link to entry ${entry.seq - 1} (the earlier entry was rewritten, or this one was inserted)`,
        { key: 'audit.unlinked', params: { seq: entry.seq, previous: entry.seq - 1 } },
      );
    }
    if (auditEntryHash(entry) !== entry.hash) {
      this.#problem(
        entry.seq,
        `entry ${entry.seq} was changed: its content does not match its hash`,
        { key: 'audit.changed', params: { seq: entry.seq } },
      );
    }
    this.#expectedSeq = entry.seq + 1;
    this.#previousHash = entry.hash;
  }

  finish(head: { seq: number; hash: string }): AuditVerification {
    const lastSeq = this.#expectedSeq - 1;
    if (head.seq > lastSeq) {
      const range = head.seq === lastSeq + 1 ? `${head.seq} is` : `${lastSeq + 1}–${head.seq} are`;
      this.#problem(lastSeq + 1, `entry ${range} missing (deleted from the end)`, {
        key: 'audit.missingAtEnd',
        params: { entries: entriesParam(lastSeq + 1, head.seq) },
      });
    } else if (head.seq < lastSeq) {
      this.#problem(
        head.seq + 1,
        `entries after ${head.seq} were not appended by the service (inserted)`,
        { key: 'audit.beyondHead', params: { seq: head.seq } },
      );
    } else if (head.hash !== this.#previousHash) {
      this.#problem(lastSeq, `entry ${lastSeq} does not match the recorded chain head`, {
        key: 'audit.headMismatch',
        params: { seq: lastSeq },
      });
    }
    return {
      ok: this.#problems.length === 0,
      checked: this.#checked,
      problems: this.#problems,
      head,
    };
  }

  #problem(seq: number, message: string, text: MessageText): void {
    this.#problems.push({ seq, message, text });
  }
}

/** `5`, or `5–7`: the entries a gap leaves out. */
function entriesParam(first: number, last: number): string {
  return first === last ? String(first) : `${first}–${last}`;
}
