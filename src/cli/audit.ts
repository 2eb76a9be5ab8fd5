/**
 * `quote audit verify [--json]`: recomputes the audit log's hash chain and reports every entry
 * that was changed, deleted or inserted behind the service's back. Exit 0 when the chain is
 * intact, 1 naming the broken seq(s) otherwise. The database is the service's: DATABASE_URL,
 * else GROUPQUOTE_DB, else data/groupquote.sqlite.
 */
import { parseArgs } from 'node:util';
import { describeStoreLocation, openStore, storeOptionsFromEnv } from '../store/open';
import type { CliCommand } from './main';
import { usageError } from './usage';

const USAGE = `usage:
  quote audit verify [--json]
database: DATABASE_URL (postgres://…), else GROUPQUOTE_DB (SQLite file), else data/groupquote.sqlite`;

export const auditCommand: CliCommand = async (args, io) => {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'verify') return usageError(io, USAGE);
  let json: boolean | undefined;
  try {
    ({
      values: { json },
    } = parseArgs({ args: rest, options: { json: { type: 'boolean' } } }));
  } catch (error) {
    return usageError(io, USAGE, (error as Error).message);
  }

  const options = storeOptionsFromEnv();
  const store = await openStore(options);
  try {
    const verification = await store.verifyAudit();
    if (json) {
      io.out(JSON.stringify(verification, null, 2));
    } else if (verification.ok) {
      const head = verification.head;
      io.out(
        `audit chain intact: ${verification.checked} entries in ${describeStoreLocation(options)}` +
          (head ? `; head seq ${head.seq}, hash ${head.hash}` : ''),
      );
    } else {
      io.err(
        `audit chain BROKEN: ${verification.problems.length} problem(s) in ${verification.checked} entries`,
      );
      for (const problem of verification.problems)
        io.err(`  seq ${problem.seq}: ${problem.message}`);
    }
    return verification.ok ? 0 : 1;
  } finally {
    await store.close();
  }
};
