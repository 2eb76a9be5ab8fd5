/**
 * `quote audit verify [--json]`: recomputes the audit log's hash chain and reports every entry
 * that was changed, deleted or inserted behind the service's back. Exit 0 when the chain is
 * intact, 1 naming the broken seq(s) otherwise. The database is the service's: DATABASE_URL,
 * else GROUPQUOTE_DB, else data/groupquote.sqlite.
 */
import type { Command } from 'commander';
import { describeStoreLocation, openStore, storeOptionsFromEnv } from '../store/open';
import { DATABASE_HELP } from './users';
import { EXIT_FAILED, EXIT_OK, type CliRun } from './usage';

export function addAuditCommand(program: Command, run: CliRun): void {
  const audit = program
    .command('audit')
    .description('check the audit log')
    .addHelpText('after', DATABASE_HELP);

  audit
    .command('verify')
    .description("recompute the audit log's hash chain and name each broken entry")
    .option('--json', 'print the verification as JSON')
    .addHelpText('after', DATABASE_HELP)
    .action(
      run.action(async (options: { json?: boolean }) => {
        const storeOptions = storeOptionsFromEnv();
        const store = await openStore(storeOptions);
        try {
          const verification = await store.verifyAudit();
          if (options.json) {
            run.io.out(JSON.stringify(verification, null, 2));
          } else if (verification.ok) {
            const head = verification.head;
            run.io.out(
              `audit chain intact: ${verification.checked} entries in ${describeStoreLocation(storeOptions)}` +
                (head ? `; head seq ${head.seq}, hash ${head.hash}` : ''),
            );
          } else {
            run.io.err(
              `audit chain BROKEN: ${verification.problems.length} problem(s) in ${verification.checked} entries`,
            );
            for (const problem of verification.problems)
              run.io.err(`  seq ${problem.seq}: ${problem.message}`);
          }
          return verification.ok ? EXIT_OK : EXIT_FAILED;
        } finally {
          await store.close();
        }
      }),
    );
}
