/**
 * The supervisor (WORKERS > 1): one Node process uses one core, so the service runs as several
 * processes sharing one port (node:cluster hands each new connection to the next worker). The
 * store keeps them consistent: quote numbers and the audit chain are assigned inside write
 * transactions that serialise across processes, on SQLite as on PostgreSQL.
 *
 * The supervisor migrates the store and, on a store without a live rule set, imports RULES_DIR
 * as the live set once, before any worker starts, so workers never race each other over either. It announces the service when every
 * worker listens, replaces a worker that dies (with a growing pause if they keep dying), closes
 * the connection it was handing a worker that died before taking it (lost-connections.ts), and
 * on SIGTERM or SIGINT lets each worker finish its requests before it exits itself.
 */
import cluster, { type Worker } from 'node:cluster';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { describeStoreLocation } from '../store';
import type { ServiceConfig } from './config';
import { closeConnectionsLostWith } from './lost-connections';
import type { LogDestination } from './logs';
import { isListeningMessage, openServiceStore } from './service-process';

/** A worker that lives at least this long before dying is replaced after the first delay. */
const STABLE_RUN_MS = 10_000;
const FIRST_RESTART_DELAY_MS = 100;
const MAX_RESTART_DELAY_MS = 30_000;
/** How long a worker may take to finish its requests after SIGTERM before it is killed. */
const SHUTDOWN_GRACE_MS = 30_000;

/** A port free on `host` now, for PORT=0. */
async function ephemeralPort(host: string): Promise<number> {
  const probe = createServer();
  probe.listen(0, host);
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  await new Promise((closed) => probe.close(closed));
  return port;
}

export async function superviseWorkers(
  config: ServiceConfig,
  logger: Logger,
  destination: LogDestination,
): Promise<void> {
  const { liveHash, store } = await openServiceStore(config);
  const dialect = store.dialect;
  await store.close();

  const started = new Map<Worker, number>();
  const listening = new Set<Worker>();
  let announced = false;
  let stopping = false;
  let restartDelay = FIRST_RESTART_DELAY_MS;
  // Kept referenced: with every worker dead, a pending restart is all that keeps the service up.
  const pendingRestarts = new Set<NodeJS.Timeout>();

  // Every worker, replacements included, listens on one explicit port: with PORT=0 each listen(0)
  // after all workers had died would pick a new one, so the supervisor picks it once.
  const port = config.port === 0 ? await ephemeralPort(config.host) : config.port;
  const fork = () => {
    const worker = cluster.fork({ PORT: String(port) });
    started.set(worker, Date.now());
    closeConnectionsLostWith(worker, (count) =>
      logger.warn(
        { workerPid: worker.process.pid, connections: count },
        `closed ${count} connection(s) handed to service process ${worker.process.pid} as it ended`,
      ),
    );
  };

  cluster.on('message', (worker, message) => {
    if (!isListeningMessage(message)) return;
    listening.add(worker);
    if (announced || listening.size < config.workers) return;
    announced = true;
    logger.info(
      {
        port: message.port,
        workers: config.workers,
        store: dialect,
        location: describeStoreLocation(config.store),
        ruleSetHash: liveHash,
      },
      `groupquote listening on port ${message.port} with ${config.workers} processes`,
    );
    // Whoever started the service waits for this line; do not leave it in the buffer.
    destination.flushSync();
  });

  cluster.on('exit', (worker, code, signal) => {
    const ranFor = Date.now() - (started.get(worker) ?? Date.now());
    const wasListening = listening.has(worker);
    started.delete(worker);
    listening.delete(worker);
    if (stopping) {
      if (started.size === 0) destination.flushSync();
      return;
    }
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    if (!announced && !wasListening) {
      // The service never came up (port taken, database unreachable): restarting would loop.
      // The worker has said why on standard error.
      logger.fatal(
        { workerPid: worker.process.pid, code, signal },
        `a service process could not start (${how})`,
      );
      process.exitCode = 1;
      void stopAll('startup failure');
      return;
    }
    restartDelay = ranFor >= STABLE_RUN_MS ? FIRST_RESTART_DELAY_MS : restartDelay;
    logger.error(
      { workerPid: worker.process.pid, code, signal, restartInMs: restartDelay },
      `service process ${worker.process.pid} ended (${how}); starting another`,
    );
    const restart = setTimeout(() => {
      pendingRestarts.delete(restart);
      fork();
    }, restartDelay);
    pendingRestarts.add(restart);
    restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
  });

  const stopAll = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    for (const restart of pendingRestarts) clearTimeout(restart);
    pendingRestarts.clear();
    const exits = [...started.keys()].map(
      (worker) =>
        new Promise<void>((done) => {
          if (worker.isDead()) return done();
          worker.once('exit', () => done());
          worker.process.kill('SIGTERM');
          setTimeout(() => worker.process.kill('SIGKILL'), SHUTDOWN_GRACE_MS).unref();
        }),
    );
    await Promise.all(exits);
    destination.flushSync();
  };
  process.on('SIGTERM', () => void stopAll('SIGTERM'));
  process.on('SIGINT', () => void stopAll('SIGINT'));

  for (let index = 0; index < config.workers; index += 1) fork();
}
