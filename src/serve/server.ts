/**
 * Composition: the one place that builds the parts of a running service (proposal renderer,
 * quote and report services, express app) from a store and a rule set, and listens.
 */
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type TrustProxy } from '../http/app';
import { ProposalRenderer } from '../proposals/renderer';
import { QuoteService, type Clock, type RuleSetSource } from '../quotes/service';
import { ReportService } from '../reports/service';
import type { RuleSet } from '../rules/compile';
import { RuleSetService } from '../rulesets/service';
import type { Store } from '../store/types';
import { ImpactService, type ImpactSettings } from '../impact/service';
import { readRuleCases } from '../cli/rule-cases';
import { DEFAULT_RULES_DIR } from '../rules/load';
import type { SessionLifetime } from '../web/sessions';
import { createWorkspace } from '../web/workspace';

export interface ServerOptions {
  store: Store;
  /**
   * The rule set new quotes are priced with: the store's live set (LiveRuleSet), swapped without
   * a restart when one is published; or one fixed set (loadRuleSet), stored at its first use.
   */
  ruleSet: RuleSet | RuleSetSource;
  /** Injectable so tests can move time past a quote's validity. */
  clock?: Clock;
  logger?: Logger;
  /**
   * Impact analyses (impactSettingsFromEnv): where their runs are kept and, on PostgreSQL, their
   * job queue. Without settings, runs are kept under the system's temporary directory and priced
   * by threads of this process.
   */
  impact?: ImpactSettings;
  /**
   * The rule cases a draft from the web editor must pass and a draft's page prices: by default
   * RULES_DIR's `cases/`, read when they are needed (the command line pushes its own).
   */
  ruleCasesDir?: string;
  /**
   * Prints proposals and deal sheets: one per process, whose owner closes it. Without one,
   * startServer makes one (Chromium starts at the first PDF asked for) and closes it in close().
   */
  renderer?: ProposalRenderer;
  /** How long a web session lasts idle and at most; the workspace's defaults otherwise. */
  sessionLifetime?: SessionLifetime;
  /** Proxies believed about the client and its protocol (TRUST_PROXY); none by default. */
  trustProxy?: TrustProxy;
  /** 0 (the default): an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /**
   * Stops accepting, lets requests in flight finish, closes idle keep-alive connections, then
   * closes the PDF renderer if startServer made it (one passed in belongs to the caller).
   */
  close(): Promise<void>;
}

/** Builds the service and its app and listens on `port` on `host`. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const ownRenderer = options.renderer ? undefined : new ProposalRenderer();
  const renderer = options.renderer ?? ownRenderer!;
  const { store, ruleSet, clock } = options;
  const service = new QuoteService({ store, ruleSet, renderer, ...(clock ? { clock } : {}) });
  const now = clock ? () => clock().getTime() : Date.now;
  // Reports see the same time as quotes (an open quote past its validity counts as expired) and
  // print through the same Chromium pool.
  const reports = new ReportService({
    store,
    ruleSet: service.ruleSet,
    renderer,
    ...(clock ? { clock } : {}),
  });
  const impact = new ImpactService({
    store,
    live: () => service.ruleSet,
    clock: clock ?? (() => new Date()),
    settings: options.impact ?? { runsDir: join(tmpdir(), `groupquote-impact-${process.pid}`) },
    ...(options.logger
      ? { onQueueError: (error: Error) => options.logger!.error({ err: error }, 'impact queue') }
      : {}),
  });
  const ruleSets = new RuleSetService({ store, ...(clock ? { clock } : {}) });
  const ruleCasesDir =
    options.ruleCasesDir ?? join(process.env.RULES_DIR || DEFAULT_RULES_DIR, 'cases');
  const app = createApp({
    service,
    reports,
    impact,
    ruleSets,
    pages: createWorkspace({
      service,
      reports,
      ruleSets,
      impact,
      ruleCases: () => readCasesOrSayWhy(ruleCasesDir),
      now,
      ...(options.sessionLifetime ? { sessionLifetime: options.sessionLifetime } : {}),
    }),
    findUserByTokenHash: (tokenHash) => store.findUserByTokenHash(tokenHash),
    trustProxy: options.trustProxy ?? false,
    ...(clock ? { now: () => clock().getTime() } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const host = options.host ?? '127.0.0.1';
  const server = app.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: async () => {
      try {
        await new Promise<void>((resolve, reject) => {
          server.close((error) => (error ? reject(error) : resolve()));
          server.closeIdleConnections();
        });
      } finally {
        await impact.close();
        await ownRenderer?.close();
      }
    },
  };
}

/** The cases of a directory; one that cannot be read is a broken case, which refuses a push. */
function readCasesOrSayWhy(dir: string): ReturnType<typeof readRuleCases> {
  try {
    return readRuleCases(dir);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      cases: [],
      broken: [
        { name: 'cases', failures: [{ path: '(directory)', message: `unreadable: ${reason}` }] },
      ],
    };
  }
}
