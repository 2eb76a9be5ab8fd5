/**
 * `npm start`: the quote service. Reads PORT (default 3000), DATABASE_URL (PostgreSQL) or
 * GROUPQUOTE_DB (SQLite file, default data/groupquote.sqlite), RULES_DIR (default rules/) and
 * LOG_LEVEL (and PUPPETEER_EXECUTABLE_PATH for another Chromium). Opens and migrates the store,
 * stores the rule set (its first use is audited), serves.
 */
import { pino } from 'pino';
import { isAppError } from './errors';
import { startServer } from './http/app';
import { ProposalRenderer } from './proposals/renderer';
import { SYSTEM_ACTOR } from './quotes/lifecycle';
import { loadRuleSet } from './rules/load';
import { describeStoreLocation, openStore, storeOptionsFromEnv } from './store';

const DEFAULT_PORT = 3000;

async function main(): Promise<void> {
  // Buffered: one write per few kB of log lines instead of one per request. Quotes are made
  // durable by the store, not by the log; the buffer is flushed on shutdown.
  const destination = pino.destination({ minLength: 4096, sync: false });
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' }, destination);
  const port = parsePort(process.env.PORT);
  const ruleSet = loadRuleSet();
  const storeOptions = storeOptionsFromEnv();
  const store = await openStore(storeOptions);
  await store.saveRuleSet(ruleSet.hash, ruleSet.snapshot, SYSTEM_ACTOR, new Date().toISOString());
  // One Chromium for the whole process, started by the first PDF asked for, closed on shutdown.
  const renderer = new ProposalRenderer();
  const running = await startServer({
    store,
    ruleSet,
    renderer,
    logger,
    port,
    host: process.env.HOST ?? '0.0.0.0',
  });
  logger.info(
    {
      port: running.port,
      store: store.dialect,
      location: describeStoreLocation(storeOptions),
      ruleSetHash: ruleSet.hash,
    },
    `groupquote listening on port ${running.port}`,
  );
  // Whoever started the service waits for this line; do not leave it in the buffer.
  destination.flushSync();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await running.close();
    } finally {
      // Chromium is a child process: it must not outlive the service, whatever else failed.
      await renderer.close();
      await store.close();
    }
    destination.flushSync();
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

function parsePort(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535))
    throw new Error(`PORT must be a port number 0–65535, got ${JSON.stringify(text)}`);
  return port;
}

main().catch((error: unknown) => {
  // A start-up failure (bad rule set, unreachable database, port in use) is reported plainly.
  process.stderr.write(
    `groupquote could not start: ${isAppError(error) ? error.message : (error as Error).message}\n`,
  );
  process.exitCode = 1;
});
