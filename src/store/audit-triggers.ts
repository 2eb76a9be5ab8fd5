/**
 * The triggers that make the database itself refuse UPDATE and DELETE (and, in PostgreSQL,
 * TRUNCATE) of audit rows, as migration 0001 created them: reading them back from the catalog
 * (sqlite_master, pg_trigger) to name one that is missing, disabled or altered, and recreating
 * them. The hash chain catches an edit made while a trigger is gone; this catches the gap itself.
 */
import { sql, type Kysely } from 'kysely';
import type { MessageText } from '../errors';
import type { Dialect } from './connection';
import type { Database } from './schema';

/** A trigger that no longer guards the audit log as migration 0001 made it. */
export interface TriggerProblem {
  trigger: string;
  message: string;
  text: MessageText;
}

const REFUSAL = 'audit_log is append-only';

interface ExpectedTrigger {
  name: string;
  /** What it refuses, for messages: "UPDATE of audit rows". */
  refuses: string;
}

const SQLITE_TRIGGERS: readonly (ExpectedTrigger & { operation: 'update' | 'delete' })[] = [
  { name: 'audit_log_no_update', operation: 'update', refuses: 'UPDATE of audit rows' },
  { name: 'audit_log_no_delete', operation: 'delete', refuses: 'DELETE of audit rows' },
];

/** pg_trigger.tgtype bits (PostgreSQL's trigger.h). */
const TRIGGER_TYPE = { row: 1, before: 2, delete: 8, update: 16, truncate: 32 } as const;

const POSTGRES_FUNCTION = 'audit_log_append_only';

const POSTGRES_TRIGGERS: readonly (ExpectedTrigger & { type: number; ddl: string })[] = [
  {
    name: 'audit_log_append_only',
    refuses: 'UPDATE or DELETE of audit rows',
    type: TRIGGER_TYPE.row | TRIGGER_TYPE.before | TRIGGER_TYPE.update | TRIGGER_TYPE.delete,
    ddl: `create trigger audit_log_append_only before update or delete on audit_log for each row execute function ${POSTGRES_FUNCTION}()`,
  },
  {
    name: 'audit_log_no_truncate',
    refuses: 'TRUNCATE of the audit log',
    type: TRIGGER_TYPE.before | TRIGGER_TYPE.truncate,
    ddl: `create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function ${POSTGRES_FUNCTION}()`,
  },
];

const POSTGRES_FUNCTION_BODY = `begin raise exception '${REFUSAL}'; end`;

/** The names of the triggers that guard the audit log in this dialect. */
export function auditTriggerNames(dialect: Dialect): string[] {
  return (dialect === 'postgres' ? POSTGRES_TRIGGERS : SQLITE_TRIGGERS).map(
    (trigger) => trigger.name,
  );
}

/** Every audit-log trigger that is missing, disabled or altered, read from the catalog. */
export async function auditTriggerProblems(
  db: Kysely<Database>,
  dialect: Dialect,
): Promise<TriggerProblem[]> {
  return dialect === 'postgres' ? postgresProblems(db) : sqliteProblems(db);
}

/**
 * Recreates the triggers `problems` name, as migration 0001 made them, in the caller's write
 * transaction; returns their names.
 */
export async function recreateAuditTriggers(
  tx: Kysely<Database>,
  dialect: Dialect,
  problems: readonly TriggerProblem[],
): Promise<string[]> {
  const names = new Set(problems.map((problem) => problem.trigger));
  if (names.size === 0) return [];
  if (dialect === 'postgres') {
    // A trigger that is there but does nothing may owe it to its function: make that raise again.
    await sql
      .raw(
        `create or replace function ${POSTGRES_FUNCTION}() returns trigger language plpgsql as $$ ${POSTGRES_FUNCTION_BODY} $$`,
      )
      .execute(tx);
    for (const trigger of POSTGRES_TRIGGERS) {
      if (!names.has(trigger.name)) continue;
      await sql.raw(`drop trigger if exists ${trigger.name} on audit_log`).execute(tx);
      await sql.raw(trigger.ddl).execute(tx);
    }
  } else {
    for (const trigger of SQLITE_TRIGGERS) {
      if (!names.has(trigger.name)) continue;
      await sql.raw(`drop trigger if exists ${trigger.name}`).execute(tx);
      await sql.raw(sqliteTriggerDdl(trigger)).execute(tx);
    }
  }
  return [...names];
}

function sqliteTriggerDdl(trigger: (typeof SQLITE_TRIGGERS)[number]): string {
  return `create trigger ${trigger.name} before ${trigger.operation} on audit_log begin select raise(abort, '${REFUSAL}'); end`;
}

async function sqliteProblems(db: Kysely<Database>): Promise<TriggerProblem[]> {
  const { rows } = await sql<{ name: string; sql: string | null }>`
    select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'audit_log'`.execute(
    db,
  );
  const found = new Map(rows.map((row) => [row.name, row.sql ?? '']));
  const problems: TriggerProblem[] = [];
  for (const trigger of SQLITE_TRIGGERS) {
    const text = found.get(trigger.name);
    if (text === undefined) problems.push(missing(trigger));
    else if (normalizedSql(text) !== normalizedSql(sqliteTriggerDdl(trigger))) {
      problems.push(altered(trigger));
    }
  }
  return problems;
}

async function postgresProblems(db: Kysely<Database>): Promise<TriggerProblem[]> {
  // The audit_log the store's own queries reach: the first on the search path.
  const { rows } = await sql<{
    name: string;
    enabled: string;
    type: number;
    unconditional: boolean;
    function: string;
    source: string;
  }>`
    select t.tgname as name, t.tgenabled as enabled, t.tgtype as type,
           t.tgqual is null as unconditional, p.proname as function, p.prosrc as source
    from pg_catalog.pg_trigger t join pg_catalog.pg_proc p on p.oid = t.tgfoid
    where t.tgrelid = to_regclass('audit_log') and not t.tgisinternal`.execute(db);
  const found = new Map(rows.map((row) => [row.name, row]));
  const problems: TriggerProblem[] = [];
  for (const trigger of POSTGRES_TRIGGERS) {
    const row = found.get(trigger.name);
    if (!row) problems.push(missing(trigger));
    // 'O' fires in ordinary sessions, 'A' always; 'D' is disabled and 'R' fires only on replicas.
    else if (row.enabled !== 'O' && row.enabled !== 'A') {
      problems.push({
        trigger: trigger.name,
        message: `trigger ${trigger.name} is disabled: the database no longer refuses ${trigger.refuses}${RESTORE_HINT}`,
        text: triggerText('triggerDisabled', trigger),
      });
    } else if (
      Number(row.type) !== trigger.type ||
      !row.unconditional ||
      row.function !== POSTGRES_FUNCTION ||
      normalizedSql(row.source) !== normalizedSql(POSTGRES_FUNCTION_BODY)
    ) {
      problems.push(altered(trigger));
    }
  }
  return problems;
}

const RESTORE_HINT = ' (quote audit restore-triggers recreates it)';

function missing(trigger: ExpectedTrigger): TriggerProblem {
  return {
    trigger: trigger.name,
    message: `trigger ${trigger.name} is missing: the database no longer refuses ${trigger.refuses}${RESTORE_HINT}`,
    text: triggerText('triggerMissing', trigger),
  };
}

function altered(trigger: ExpectedTrigger): TriggerProblem {
  return {
    trigger: trigger.name,
    message: `trigger ${trigger.name} was altered: it no longer refuses ${trigger.refuses} as migration 0001 made it${RESTORE_HINT}`,
    text: triggerText('triggerAltered', trigger),
  };
}

/** A trigger problem's words; what the trigger refuses is named under `errors.audit.refuses`. */
function triggerText(key: string, trigger: ExpectedTrigger): MessageText {
  return {
    key: `audit.${key}`,
    params: { trigger: trigger.name, refuses: { term: `audit.refuses.${trigger.name}` } },
  };
}

/** DDL compared as SQL, not as typed: case, quoted names and runs of whitespace do not count. */
function normalizedSql(text: string): string {
  return text.toLowerCase().replaceAll('"', '').replace(/\s+/g, ' ').trim();
}
