/**
 * `quote audit verify [--json]`: recomputes the audit log's hash chain and every quote against its
 * trail, and reads the audit-log triggers from the database catalog; reports every entry changed,
 * deleted or inserted, every quote whose row differs from its trail (or that has no trail, or whose
 * trail has no quote) and every trigger missing, disabled or altered, all behind the service's
 * back. Exit 0 when all is intact, 1 naming each problem otherwise.
 * `quote audit restore-triggers`: recreates the triggers verify names, audited. The database is
 * the service's: DATABASE_URL, else GROUPQUOTE_DB, else data/groupquote.sqlite.
 */
import type { Command } from 'commander';
import { auditVerificationIn } from '../messages/messages';
import { describeStoreLocation, openStore, storeOptionsFromEnv } from '../store/open';
import type { AuditVerification } from '../store/types';
import { DATABASE_HELP } from './users';
import { EXIT_FAILED, EXIT_OK, type CliRun } from './usage';

export function addAuditCommand(program: Command, run: CliRun): void {
  const audit = program
    .command('audit')
    .description('check the audit log')
    .addHelpText('after', DATABASE_HELP);

  audit
    .command('verify')
    .description(
      "recompute the audit log's hash chain and every quote against its trail, check the log's triggers, and name each problem",
    )
    .option('--json', 'print the verification as JSON')
    .addHelpText('after', DATABASE_HELP)
    .action(
      run.action(async (options: { json?: boolean }) => {
        const storeOptions = storeOptionsFromEnv();
        const store = await openStore(storeOptions);
        try {
          const verification = await store.verifyAudit();
          // The API's shape, in English: problems and notes as messages, without their words.
          if (options.json) {
            run.io.out(JSON.stringify(auditVerificationIn(verification, 'en'), null, 2));
          } else report(run, verification, describeStoreLocation(storeOptions));
          return verification.ok ? EXIT_OK : EXIT_FAILED;
        } finally {
          await store.close();
        }
      }),
    );

  audit
    .command('restore-triggers')
    .description(
      'recreate the audit-log triggers verify finds missing, disabled or altered, and log that',
    )
    .addHelpText('after', DATABASE_HELP)
    .action(
      run.action(async () => {
        const storeOptions = storeOptionsFromEnv();
        const store = await openStore(storeOptions);
        try {
          const restored = await store.restoreAuditTriggers(new Date().toISOString());
          const where = describeStoreLocation(storeOptions);
          run.io.out(
            restored.length === 0
              ? `audit-log triggers intact in ${where}: nothing to restore`
              : `restored ${restored.join(', ')} in ${where} (audited as audit.triggers-restored)`,
          );
          return EXIT_OK;
        } finally {
          await store.close();
        }
      }),
    );
}

function report(run: CliRun, verification: AuditVerification, where: string): void {
  const quotes = verification.quotes?.checked ?? 0;
  if (verification.ok) {
    const head = verification.head;
    run.io.out(
      `audit log intact: ${verification.checked} entries and ${quotes} quotes in ${where}` +
        (head ? `; head seq ${head.seq}, hash ${head.hash}` : ''),
    );
  } else {
    run.io.err(
      `audit log BROKEN: ${verification.problems.length} problem(s) in ${verification.checked} entries and ${quotes} quotes`,
    );
    for (const problem of verification.problems) {
      run.io.err(
        problem.seq > 0 ? `  seq ${problem.seq}: ${problem.message}` : `  ${problem.message}`,
      );
    }
  }
  for (const note of verification.notes ?? []) {
    (verification.ok ? run.io.out : run.io.err)(`note: ${note.message}`);
  }
}
