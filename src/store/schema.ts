/**
 * The tables as Kysely sees them. Column types are what both dialects hand back after the pool
 * configuration in connection.ts: decimals and JSON documents as text, instants as ISO text
 * (SQLite) or Date (PostgreSQL timestamptz), which `instantText` folds into one form.
 */
import type { ColumnType } from 'kysely';
import type {
  ApprovalLevel,
  PublicationKind,
  PublicationStatus,
  QuoteState,
  Role,
  RuleSetState,
} from '../domain';

/** ISO-8601 text in SQLite; timestamptz in PostgreSQL, which pg reads back as a Date. */
export type InstantColumn = ColumnType<string | Date, string, string>;
export type NullableInstantColumn = ColumnType<string | Date | null, string | null, string | null>;
/** bigint: pg reads it back as text so no digit is lost; SQLite returns a number. */
export type BigIntColumn = ColumnType<string | number, number, number>;

export interface QuoteCountersTable {
  year: number;
  last_number: number;
}

export interface RuleSetsTable {
  hash: string;
  /** The canonical snapshot as JSON text (json in PostgreSQL: kept byte for byte, key order too). */
  snapshot: string;
  created_at: InstantColumn;
  created_by: string;
  /** Who pushed it (migration 0006); null for a set stored only because a service used it. */
  author: ColumnType<string | null, string | null | undefined, string | null>;
  note: ColumnType<string, string | undefined, string>;
  state: ColumnType<RuleSetState, RuleSetState | undefined, RuleSetState>;
  /** When and by whom it last went live. */
  published_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
  published_by: ColumnType<string | null, string | null | undefined, string | null>;
}

/** One row (id 1): the live rule set, and a version that every change of it increments. */
export interface RuleSetLiveTable {
  id: number;
  hash: string | null;
  version: BigIntColumn;
  changed_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
}

/** Every publication and rollback, scheduled or done, in the order they were asked for. */
export interface RuleSetPublicationsTable {
  seq: BigIntColumn;
  hash: string;
  kind: PublicationKind;
  status: PublicationStatus;
  note: string;
  requested_by: string;
  requested_at: InstantColumn;
  effective_from: InstantColumn;
  /** The set it replaced, once it took effect. */
  from_hash: string | null;
  took_effect_at: NullableInstantColumn;
  /** rule_set_live.version once it took effect: the order publications went live in. */
  live_version: ColumnType<string | number | null, number | null | undefined, number | null>;
  /** Who called a scheduled publication off, and when (migration 0009). */
  cancelled_at: ColumnType<string | Date | null, string | null | undefined, string | null>;
  cancelled_by: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface QuotesTable {
  number: string;
  year: number;
  sequence: number;
  state: QuoteState;
  enterprise_id: string;
  enterprise_name: string;
  account_manager_id: string;
  approval_level: ApprovalLevel;
  rule_set_hash: string;
  request: string;
  quote: string;
  /** Decimal text (TEXT in SQLite, numeric in PostgreSQL). */
  contract_value: string;
  margin_pct: string;
  created_at: InstantColumn;
  valid_until: InstantColumn;
  updated_at: InstantColumn;
  decided_by: string | null;
  decided_at: NullableInstantColumn;
  idempotency_key: string | null;
  /** The quote this one revises (migration 0007). */
  supersedes: string | null;
  /** The quote that replaced this one: its revision, or the enterprise's accepted quote. */
  superseded_by: string | null;
}

export interface UsersTable {
  id: string;
  name: string;
  role: Role;
  token_hash: string;
  created_at: InstantColumn;
  /** How a customer reaches the user, printed on the proposals they own (migration 0007). */
  phone: string | null;
  email: string | null;
}

export interface AuditLogTable {
  seq: BigIntColumn;
  at: InstantColumn;
  actor_id: string | null;
  action: string;
  quote_number: string | null;
  rule_set_hash: string | null;
  detail: string;
  prev_hash: string;
  hash: string;
}

/** One row (id 1): the last entry the service appended. Locking it serialises every append. */
export interface AuditChainHeadTable {
  id: number;
  seq: BigIntColumn;
  hash: string;
  /** The first seq written after migration 0004: from it on, a quote's entries carry its hash. */
  quote_hashes_from: BigIntColumn;
}

/** A signed-in browser (migration 0008): the sha256 of its cookie's id, never the id itself. */
export interface WebSessionsTable {
  id_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: InstantColumn;
  last_seen_at: InstantColumn;
  /** The absolute end: no activity keeps a session past it. */
  expires_at: InstantColumn;
}

export interface StoreMigrationsTable {
  name: string;
  applied_at: string;
}

export interface Database {
  quote_counters: QuoteCountersTable;
  rule_sets: RuleSetsTable;
  rule_set_live: RuleSetLiveTable;
  rule_set_publications: RuleSetPublicationsTable;
  quotes: QuotesTable;
  users: UsersTable;
  audit_log: AuditLogTable;
  audit_chain_head: AuditChainHeadTable;
  store_migrations: StoreMigrationsTable;
  web_sessions: WebSessionsTable;
}

/** One text form for an instant read from either dialect. */
export function instantText(value: string | Date): string {
  return value instanceof Date ? value.toISOString() : value;
}
