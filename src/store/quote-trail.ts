/**
 * A quote and its audit trail, as pure functions. Every entry the store writes for a quote
 * (`quote.created`, each transition, expiry) carries `quoteHash`: the hash of the quote's row as
 * the change left it. The row is what the service acts on and prints, so a row changed behind the
 * service's back (a pending quote set to `approved`, a margin rewritten) no longer matches the
 * last entry of its trail, and the store, the service and verification all refuse to trust it.
 * The trail's own entries are protected by the hash chain (audit-chain.ts).
 */
import type { Selectable } from 'kysely';
import { AppError, type MessageText } from '../errors';
import { canonicalJson, sha256Hex } from '../hashing';
import { instantText, type QuotesTable } from './schema';
import type { AuditEntry } from './types';

/** The detail field of a quote's audit entry that holds {@link quoteHash} of the row after the change. */
export const QUOTE_HASH_FIELD = 'quoteHash';

/** The migration from which every audit entry of a quote carries its hash. */
export const QUOTE_HASHES_MIGRATION = '0004';

/** A quotes row as written (instants as text) or as either dialect reads it back. */
export type QuoteRowFacts = Omit<Selectable<QuotesTable>, 'year' | 'sequence' | 'updated_at'>;

/**
 * sha256 of the canonical JSON of everything in a quotes row that a tamper could change and that
 * matters: its state, the figures the service decides and prints by (approval level, contract value,
 * margin %), the request and the priced quote (by the sha256 of their JSON text as stored, which
 * both dialects keep byte for byte: hashing 5 kB of text costs a tenth of canonicalising it
 * again on every create), who the quote is for and whose it is, its validity, who decided it and
 * when, and its links to the quote it revises and the one that superseded it. Not `updated_at`:
 * it records when the row was last written and decides nothing. A link is hashed only when set,
 * so a row written before links existed (migration 0007) hashes as it did then.
 */
export function quoteHash(row: QuoteRowFacts): string {
  return sha256Hex(
    canonicalJson({
      number: row.number,
      state: row.state,
      enterpriseId: row.enterprise_id,
      enterpriseName: row.enterprise_name,
      accountManagerId: row.account_manager_id,
      approvalLevel: row.approval_level,
      ruleSetHash: row.rule_set_hash,
      contractValue: row.contract_value,
      marginPct: row.margin_pct,
      createdAt: instantText(row.created_at),
      validUntil: instantText(row.valid_until),
      decidedBy: row.decided_by,
      decidedAt: row.decided_at === null ? null : instantText(row.decided_at),
      idempotencyKey: row.idempotency_key,
      requestSha256: sha256Hex(row.request),
      quoteSha256: sha256Hex(row.quote),
      ...(row.supersedes === null ? {} : { supersedes: row.supersedes }),
      ...(row.superseded_by === null ? {} : { supersededBy: row.superseded_by }),
    }),
  );
}

/**
 * What a quote's trail says of its row. `matches`: the row is what its last entry recorded
 * (`hashed`), or, for a quote whose last entry predates migration 0004 and so carries no hash, its
 * state, approval level and contract value are what the trail recorded. Otherwise the message
 * names every difference found; `seq` is the entry it shows at (0: the quote has no trail).
 */
export type QuoteTrailVerdict =
  | { matches: true; seq: number; hashed: boolean }
  | { matches: false; seq: number; message: string; text: MessageText };

/**
 * Checks a quotes row against its audit entries (oldest first). `hashesFrom` is the first seq
 * written after migration 0004: from there on an entry of a quote without a hash is itself a
 * problem (something wrote it that is not this store).
 */
export function checkQuoteTrail(
  row: QuoteRowFacts,
  trail: readonly AuditEntry[],
  hashesFrom: number,
): QuoteTrailVerdict {
  const last = trail.at(-1);
  if (!last) {
    return {
      matches: false,
      seq: 0,
      message: `${row.number} has no audit trail: the row was inserted behind the service's back (the service stores every quote with its quote.created entry)`,
      text: { key: 'audit.noTrail', params: { number: row.number } },
    };
  }
  const differences: string[] = [];
  const clauses: MessageText[] = [];
  /** A difference in English, and its words for other languages. */
  const differ = (english: string, key: string, params: MessageText['params'] = {}) => {
    differences.push(english);
    clauses.push({ key: `audit.trail.${key}`, params });
  };
  let created: AuditEntry | undefined;
  let state: string | undefined;
  for (const entry of trail) {
    if (entry.action === 'quote.created') {
      if (created) {
        differ(`entry ${entry.seq} records its creation a second time`, 'createdTwice', {
          seq: entry.seq,
        });
      }
      created ??= entry;
      state = detailText(entry, 'state');
      continue;
    }
    if (!created) {
      differ(
        `its trail begins with ${entry.action} (entry ${entry.seq}), not its creation`,
        'beginsElsewhere',
        { action: entry.action, seq: entry.seq },
      );
    }
    const from = detailText(entry, 'from');
    const to = detailText(entry, 'to');
    if (from === undefined || to === undefined) {
      differ(
        `entry ${entry.seq} (${entry.action}) records no move from a state to another`,
        'noMove',
        { seq: entry.seq, action: entry.action },
      );
      continue;
    }
    if (state !== undefined && from !== state) {
      differ(
        `entry ${entry.seq} moves it from ${from}, but the entry before left it ${state}`,
        'brokenMove',
        { seq: entry.seq, from, state },
      );
    }
    state = to;
  }
  if (state !== row.state) {
    differ(
      `it is ${row.state} in the database, but its audit trail leaves it ${String(state)} (entry ${last.seq})`,
      'state',
      { row: row.state, trail: String(state), seq: last.seq },
    );
  }
  if (created) {
    const level = detailText(created, 'approvalLevel');
    if (level !== row.approval_level) {
      differ(
        `its approval level is ${row.approval_level}, but it was created at ${String(level)} (entry ${created.seq})`,
        'approvalLevel',
        { row: row.approval_level, trail: String(level), seq: created.seq },
      );
    }
    const contractValue = detailText(created, 'contractValue');
    if (contractValue !== row.contract_value) {
      differ(
        `its contract value is ${row.contract_value}, but it was created at ${String(contractValue)} (entry ${created.seq})`,
        'contractValue',
        { row: row.contract_value, trail: String(contractValue), seq: created.seq },
      );
    }
  }
  const recorded = detailText(last, QUOTE_HASH_FIELD);
  if (recorded === undefined) {
    if (last.seq >= hashesFrom) {
      differ(
        `its last audit entry (${last.seq}) carries no quote hash, though written after migration ${QUOTE_HASHES_MIGRATION}: this store did not write it`,
        'noHash',
        { seq: last.seq, migration: QUOTE_HASHES_MIGRATION },
      );
    }
  } else if (differences.length === 0 && recorded !== quoteHash(row)) {
    differ(
      `its figures, request, quote, validity or decision differ from what its last audit entry (${last.seq}) recorded`,
      'hash',
      { seq: last.seq },
    );
  }
  if (differences.length > 0) {
    return {
      matches: false,
      seq: last.seq,
      message: `${row.number} does not match its audit trail: ${differences.join('; ')}`,
      text: { key: 'audit.differs', params: { number: row.number, differences: { clauses } } },
    };
  }
  return { matches: true, seq: last.seq, hashed: recorded !== undefined };
}

/** The problem of audit entries that name a quote the quotes table does not hold. */
export function orphanTrailMessage(
  quoteNumber: string,
  seqs: readonly number[],
): { message: string; text: MessageText } {
  const entries =
    seqs.length === 1 ? `entry ${seqs[0]} records` : `entries ${seqs.join(', ')} record`;
  return {
    message: `${entries} quote ${quoteNumber}, which is not in the quotes table: the row was deleted behind the service's back`,
    text: { key: 'audit.orphan', params: { entries: seqs.join(', '), number: quoteNumber } },
  };
}

function detailText(entry: AuditEntry, key: string): string | undefined {
  const value = entry.detail[key];
  return typeof value === 'string' ? value : undefined;
}

/** What a tampered quote is refused: a move (by its action), a revision, or printing. */
export type TamperRefusal = { moved: string } | 'revised' | 'printed';

/**
 * The refusal to act on a quote whose row does not match its trail: a conflict (409) naming the
 * tamper. Acting would record the tampered row as the truth, and printing would offer it.
 */
export function tamperedQuoteError(
  verdict: Extract<QuoteTrailVerdict, { matches: false }>,
  quoteNumber: string,
  refusal: TamperRefusal,
): AppError {
  const refused = typeof refusal === 'string' ? refusal : `moved (${refusal.moved})`;
  const refusedText: MessageText =
    typeof refusal === 'string'
      ? { key: `audit.refused.${refusal}` }
      : {
          key: 'audit.refused.moved',
          params: { action: { term: `audit.actions.${refusal.moved}` } },
        };
  return new AppError(
    'conflict',
    `${verdict.message}. It was changed in the database behind the service's back, so it is not ${refused} until its row is restored; quote audit verify names every such quote`,
    {
      quoteNumber,
      text: {
        key: 'audit.tampered',
        params: { problem: { clauses: [verdict.text] }, refused: { clauses: [refusedText] } },
      },
    },
  );
}
