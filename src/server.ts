/**
 * `npm start`: the quote service. Reads PORT (default 3000), HOST (default 0.0.0.0), WORKERS
 * (service processes, default one per CPU), DATABASE_URL (PostgreSQL) or GROUPQUOTE_DB (SQLite
 * file, default data/groupquote.sqlite), RULES_DIR (default rules/), LOG_LEVEL (and
 * PUPPETEER_EXECUTABLE_PATH for another Chromium). Opens and migrates the store, stores the rule
 * set (its first use is audited), serves.
 */
import cluster from 'node:cluster';
import { isAppError } from './errors';
import { serviceConfigFromEnv } from './serve/config';
import { serviceLogger } from './serve/logs';
import { runServiceProcess } from './serve/service-process';
import { superviseWorkers } from './serve/supervisor';

async function main(): Promise<void> {
  const config = serviceConfigFromEnv();
  if (config.workers > 1 && cluster.isPrimary) {
    const { logger, destination } = serviceLogger(config.logLevel, 'supervisor');
    await superviseWorkers(config, logger, destination);
  } else {
    const { logger, destination } = serviceLogger(config.logLevel, 'service');
    await runServiceProcess(config, logger, destination);
  }
}

main().catch((error: unknown) => {
  // A start-up failure (bad setting or rule set, unreachable database, port in use) is reported
  // plainly, without a stack trace.
  process.stderr.write(
    `groupquote could not start: ${isAppError(error) ? error.message : (error as Error).message}\n`,
  );
  process.exitCode = 1;
  // A worker's channel to its supervisor would keep it alive; the supervisor sees it exit.
  if (cluster.isWorker) process.exit();
});
