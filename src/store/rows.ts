/**
 * Between the Store's types and the tables: validating what comes in (instants, decimals, states)
 * and laying it out as rows, and turning rows read from either dialect back into the same values.
 */
import type { Insertable, Selectable } from 'kysely';
import { AppError } from '../errors';
import { numberingYear } from './quote-number';
import { instantText, type AuditLogTable, type QuotesTable, type UsersTable } from './schema';
import { type AuditEntry, type NewQuote, type StoredQuote, type User } from './types';
import { APPROVAL_LEVELS, QUOTE_STATES, isDecimalString } from '../domain';

export type UnnumberedQuoteRow = Omit<Required<Insertable<QuotesTable>>, 'number' | 'sequence'>;

/** Validates a new quote and lays it out as a row; number and sequence come in the transaction. */
export function newQuoteRow(input: NewQuote): UnnumberedQuoteRow {
  const createdAt = instant(input.createdAt, 'createdAt');
  const validUntil = instant(input.validUntil, 'validUntil');
  if (!QUOTE_STATES.includes(input.state)) {
    throw AppError.invalidInput([{ path: 'state', message: 'is not a quote state' }]);
  }
  const { quote, request } = input;
  if (quote.eligible !== true) {
    throw AppError.invalidInput([{ path: 'quote', message: 'only a priced quote can be stored' }]);
  }
  if (!APPROVAL_LEVELS.includes(quote.internal.approval)) {
    throw AppError.invalidInput([
      { path: 'quote.internal.approval', message: 'is not an approval level' },
    ]);
  }
  return {
    year: numberingYear(createdAt),
    state: input.state,
    enterprise_id: request.enterprise.id,
    enterprise_name: request.enterprise.name,
    account_manager_id: input.accountManagerId,
    approval_level: quote.internal.approval,
    rule_set_hash: quote.ruleSetHash,
    request: JSON.stringify(request),
    quote: JSON.stringify(quote),
    contract_value: decimalColumn(quote.totals.contractValue, 'quote.totals.contractValue'),
    margin_pct: decimalColumn(quote.internal.marginPct, 'quote.internal.marginPct'),
    created_at: createdAt,
    valid_until: validUntil,
    updated_at: createdAt,
    decided_by: null,
    decided_at: null,
    idempotency_key: input.idempotencyKey ?? null,
    supersedes: null,
    superseded_by: null,
  };
}

/**
 * A decimal as stored: the quote's own text, except that negative zero loses its sign, as it
 * does in a PostgreSQL numeric, so both dialects read back the same string.
 */
function decimalColumn(value: string, path: string): string {
  if (!isDecimalString(value)) {
    throw AppError.invalidInput([{ path, message: 'must be a decimal string' }]);
  }
  return /^-0(\.0+)?$/.test(value) ? value.slice(1) : value;
}

/** An ISO-8601 instant in the one form the store keeps: `Date.toISOString()`. */
export function instant(value: string, path: string): string {
  const parsed = typeof value === 'string' ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(parsed.getTime())) {
    throw AppError.invalidInput([{ path, message: 'must be an ISO-8601 date-time' }]);
  }
  return parsed.toISOString();
}

export function count(value: number, path: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw AppError.invalidInput([{ path, message: 'must be a whole number, 0 or more' }]);
  }
  return value;
}

/**
 * A quote as read back. `documents` are the request and quote objects a row was just written
 * from: their JSON text is what the row holds, so parsing it again would only copy them.
 */
export function storedQuoteFrom(
  row: Selectable<QuotesTable>,
  documents?: Pick<StoredQuote, 'request' | 'quote'>,
): StoredQuote {
  const stored: StoredQuote = {
    number: row.number,
    state: row.state,
    enterpriseId: row.enterprise_id,
    enterpriseName: row.enterprise_name,
    accountManagerId: row.account_manager_id,
    approvalLevel: row.approval_level,
    ruleSetHash: row.rule_set_hash,
    request: documents?.request ?? (JSON.parse(row.request) as StoredQuote['request']),
    quote: documents?.quote ?? (JSON.parse(row.quote) as StoredQuote['quote']),
    contractValue: row.contract_value,
    marginPct: row.margin_pct,
    createdAt: instantText(row.created_at),
    validUntil: instantText(row.valid_until),
    updatedAt: instantText(row.updated_at),
  };
  if (row.decided_by !== null) stored.decidedBy = row.decided_by;
  if (row.decided_at !== null) stored.decidedAt = instantText(row.decided_at);
  if (row.supersedes !== null) stored.supersedes = row.supersedes;
  if (row.superseded_by !== null) stored.supersededBy = row.superseded_by;
  return stored;
}

export function userFrom(row: Selectable<UsersTable>): User {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: instantText(row.created_at),
    ...(row.phone !== null ? { phone: row.phone } : {}),
    ...(row.email !== null ? { email: row.email } : {}),
  };
}

export function auditEntryFrom(row: Selectable<AuditLogTable>): AuditEntry {
  return {
    seq: Number(row.seq),
    at: instantText(row.at),
    actorId: row.actor_id,
    action: row.action,
    quoteNumber: row.quote_number,
    ruleSetHash: row.rule_set_hash,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
