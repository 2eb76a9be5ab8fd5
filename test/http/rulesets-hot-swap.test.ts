/**
 * A publication reaches every process of a running service without a restart (issue 13): with two
 * service processes under steady load, each one prices with the new rule set within 2 s of the
 * publication, no request fails, and every quote created from then on carries the new hash. On
 * SQLite each process polls one row; on PostgreSQL it hears NOTIFY.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { announceSkippedPostgres, DIALECTS, freshPostgresSchema, REQUESTS } from './support';
import { startServiceProcess, workerPids, type ServiceProcess } from './service-process';
import { ruleSetHash } from '../../src/rules/compile';
import { generateToken, hashToken, openStore, type StoreOptions } from '../../src/store';
import { sampleSnapshot } from '../support/rule-set-copy';

announceSkippedPostgres('hot swap across service processes');

const dir = mkdtempSync(join(tmpdir(), 'groupquote-hot-swap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** How long after a publication every process must price with it. */
const SWAP_WITHIN_MS = 2000;

interface Answer {
  startedAt: number;
  status: number | 'failed';
  ruleSetHash?: string;
}

/** One create over a connection of its own: the supervisor hands each new connection to the next process. */
function create(url: string, token: string): Promise<Answer> {
  const startedAt = Date.now();
  return new Promise((done) => {
    const request = httpRequest(
      `${url}/api/quotes`,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      },
      (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => {
          const status = response.statusCode!;
          const parsed = status === 201 ? (JSON.parse(body) as { ruleSetHash: string }) : undefined;
          done({ startedAt, status, ...(parsed ? { ruleSetHash: parsed.ruleSetHash } : {}) });
        });
      },
    );
    request.on('error', () => done({ startedAt, status: 'failed' }));
    request.end(JSON.stringify(REQUESTS.ENT0001()));
  });
}

describe.each(DIALECTS)('a publication under load [%s]', (dialect) => {
  let storeOptions: StoreOptions;
  let dispose: () => Promise<void> = async () => undefined;
  let service: ServiceProcess;
  let token: string;

  beforeAll(async () => {
    if (dialect === 'postgres') {
      const schema = await freshPostgresSchema();
      storeOptions = schema.storeOptions;
      dispose = schema.dispose;
    } else {
      storeOptions = { sqlitePath: join(dir, 'hot-swap.sqlite') };
    }
    const store = await openStore(storeOptions);
    token = generateToken();
    await store.createUser({
      id: 'am-load',
      name: 'Load',
      role: 'account-manager',
      tokenHash: hashToken(token),
      createdAt: new Date().toISOString(),
    });
    await store.close();
    service = await startServiceProcess({
      ...(storeOptions.databaseUrl
        ? { DATABASE_URL: storeOptions.databaseUrl }
        : { GROUPQUOTE_DB: storeOptions.sqlitePath! }),
      WORKERS: '2',
    });
  }, 60_000);

  afterAll(async () => {
    if (service && service.child.exitCode === null) service.child.kill('SIGTERM');
    await service?.exited;
    await dispose();
  }, 40_000);

  test('every process prices with it within 2 s, nothing fails, and new quotes carry its hash', async () => {
    const workers = workerPids(service.child.pid!);
    expect(workers).toHaveLength(2);

    const answers: Answer[] = [];
    let loading = true;
    const clients = Array.from({ length: 4 }, async () => {
      while (loading) answers.push(await create(service.url, token));
    });
    await new Promise((wait) => setTimeout(wait, 1000));

    const store = await openStore(storeOptions);
    let publishedAt: number;
    let newHash: string;
    let oldHash: string;
    try {
      oldHash = (await store.liveRuleSetVersion()).hash!;
      const files = sampleSnapshot().files as Record<
        string,
        { rules?: { name: string; event: { params: Record<string, string> } }[] }
      >;
      files['long-distance.rules.json']!.rules!.find(
        (rule) => rule.name === 'long-distance-key',
      )!.event.params.percent = '40';
      newHash = ruleSetHash({ files });
      await store.pushRuleSet({
        hash: newHash,
        snapshot: { files },
        author: 'analyst',
        note: 'long distance 40 % for key accounts',
        now: new Date().toISOString(),
      });
      await store.publishRuleSet({
        hash: newHash,
        kind: 'publish',
        note: 'reviewed',
        actorId: 'reviewer',
        now: new Date().toISOString(),
      });
      publishedAt = Date.now();
    } finally {
      await store.close();
    }
    await new Promise((wait) => setTimeout(wait, SWAP_WITHIN_MS + 1000));
    loading = false;
    await Promise.all(clients);

    expect(answers.filter((answer) => answer.status !== 201)).toEqual([]);
    const before = answers.filter((answer) => answer.startedAt < publishedAt);
    const late = answers.filter((answer) => answer.startedAt > publishedAt + SWAP_WITHIN_MS);
    expect(before.length).toBeGreaterThan(0);
    expect(late.length).toBeGreaterThan(0);
    expect(new Set(before.map((answer) => answer.ruleSetHash))).toContain(oldHash);
    expect(new Set(late.map((answer) => answer.ruleSetHash))).toEqual(new Set([newHash]));

    // Each process says when it swapped: both did, within 2 s of the publication.
    const swaps = service.logLines.filter(
      (line) => line.toHash === newHash && /is live/.test(String(line.msg)),
    );
    expect(new Set(swaps.map((line) => line.pid))).toEqual(new Set(workers));
    for (const line of swaps) {
      expect((line.time as number) - publishedAt).toBeLessThanOrEqual(SWAP_WITHIN_MS);
    }
  }, 60_000);
});
