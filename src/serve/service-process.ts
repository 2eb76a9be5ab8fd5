/**
 * One service process: opens the store and its live rule set (kept current as publications come),
 * serves the API until SIGTERM or
 * SIGINT, then finishes the requests in flight and closes Chromium and the store. Run on its own
 * (WORKERS=1) or as one of the supervisor's workers, which it tells when it is listening.
 */
import cluster from 'node:cluster';
import type { Logger } from 'pino';
import { startServer, type RunningServer } from './server';
import { ProposalRenderer } from '../proposals/renderer';
import { DEFAULT_RULES_DIR, loadRuleSet } from '../rules/load';
import type { RuleSet } from '../rules/compile';
import { LiveRuleSet } from '../rulesets/live';
import { importLiveRuleSetIfNone } from '../rulesets/stored';
import { describeStoreLocation, openStore, type Store } from '../store';
import type { ServiceConfig } from './config';
import type { LogDestination } from './logs';

/** What a worker sends its supervisor once it accepts connections. */
export interface ListeningMessage {
  groupquote: 'listening';
  port: number;
}

export function isListeningMessage(message: unknown): message is ListeningMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as Partial<ListeningMessage>).groupquote === 'listening'
  );
}

/**
 * Opens and migrates the store and makes sure it has a live rule set: on a store without one (a
 * new one, or the first start after migration 0006) RULES_DIR is imported as the live set, and a
 * broken one stops the start. The supervisor does this before forking; a worker does it again so
 * it can start on its own, as a replacement does, and then both steps find nothing to do.
 */
export async function openServiceStore(
  config: ServiceConfig,
): Promise<{ liveHash: string; importedRuleSet?: RuleSet; store: Store }> {
  const store = await openStore(config.store);
  try {
    const rulesDir = process.env.RULES_DIR || DEFAULT_RULES_DIR;
    const live = await importLiveRuleSetIfNone(store, () => loadRuleSet(rulesDir), rulesDir);
    return {
      liveHash: live.hash,
      ...(live.ruleSet ? { importedRuleSet: live.ruleSet } : {}),
      store,
    };
  } catch (error) {
    await store.close();
    throw error;
  }
}

export async function runServiceProcess(
  config: ServiceConfig,
  logger: Logger,
  destination: LogDestination,
): Promise<void> {
  const { importedRuleSet, store } = await openServiceStore(config);
  // One Chromium for the whole process, started by the first PDF asked for, closed on shutdown.
  const renderer = new ProposalRenderer();
  let running: RunningServer;
  let ruleSet: LiveRuleSet;
  try {
    ruleSet = await LiveRuleSet.open(store, {
      logger,
      ...(importedRuleSet ? { preloaded: [importedRuleSet] } : {}),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  try {
    running = await startServer({
      store,
      ruleSet,
      renderer,
      logger,
      port: config.port,
      host: config.host,
      impact: config.impact,
      trustProxy: config.trustProxy,
    });
  } catch (error) {
    await ruleSet.close();
    await store.close();
    throw error;
  }

  if (cluster.isWorker) {
    // The supervisor announces the service once every worker listens.
    process.send!({ groupquote: 'listening', port: running.port } satisfies ListeningMessage);
  } else {
    logger.info(
      {
        port: running.port,
        store: store.dialect,
        location: describeStoreLocation(config.store),
        ruleSetHash: ruleSet.current().hash,
      },
      `groupquote listening on port ${running.port}`,
    );
    // Whoever started the service waits for this line; do not leave it in the buffer.
    destination.flushSync();
  }

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
      await ruleSet.close();
      await store.close();
    }
    destination.flushSync();
    // A worker's channel to its supervisor would keep it alive: leave now that all is closed.
    if (cluster.isWorker) process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
