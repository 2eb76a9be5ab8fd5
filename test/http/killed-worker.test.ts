/**
 * A service process killed while clients keep connecting: every client gets an answer or a reset
 * at once, none is left waiting. The supervisor hands each new connection to a worker; the one it
 * had handed a worker that died before taking it used to stay open in the supervisor until the
 * client's own timeout (src/serve/lost-connections.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken, hashToken, openStore } from '../../src/store';
import { REQUESTS } from './support';
import { startServiceProcess, workerPids, type ServiceProcess } from './service-process';

/** Longer than any answer takes here, far shorter than a client's timeout. */
const ANSWER_DEADLINE_MS = 5_000;
const ROUNDS = 4;
const CLIENTS = 12;
const REQUESTS_PER_CLIENT = 25;
/** Answers received in a round before one worker is killed. */
const KILL_AFTER = 40;

type Outcome = 'answered' | 'reset' | 'hung';

const dir = mkdtempSync(join(tmpdir(), 'groupquote-killed-'));
const database = join(dir, 'quotes.sqlite');
let token: string;
let service: ServiceProcess;

beforeAll(async () => {
  const store = await openStore({ sqlitePath: database });
  token = generateToken();
  await store.createUser({
    id: 'am-killed',
    name: 'Killed Worker',
    role: 'account-manager',
    tokenHash: hashToken(token),
    createdAt: new Date().toISOString(),
  });
  await store.close();
  service = await startServiceProcess({ GROUPQUOTE_DB: database, WORKERS: '2' });
}, 40_000);
afterAll(async () => {
  // No service when it failed to start: the error that says so is the one to read.
  if (service && service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGTERM');
    await service.exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** A preview over a connection of its own: each new connection is one the supervisor hands on. */
function previewOnNewConnection(): Promise<Outcome> {
  return new Promise((settle) => {
    const body = JSON.stringify(REQUESTS.ENT0001());
    const request = httpRequest(`${service.url}/api/quotes/preview`, {
      method: 'POST',
      agent: false,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      },
    });
    const deadline = setTimeout(() => {
      request.destroy();
      settle('hung');
    }, ANSWER_DEADLINE_MS);
    const done = (outcome: Outcome) => {
      clearTimeout(deadline);
      settle(outcome);
    };
    request.on('response', (response) => {
      response.on('error', () => done('reset'));
      response.on('end', () => done('answered'));
      response.resume();
    });
    request.on('error', () => done('reset'));
    request.end(body);
  });
}

async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (await condition()) return;
    await new Promise((wait) => setTimeout(wait, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

/** Whether two workers run and each has answered a preview (its request log line says so). */
async function bothWorkersAnswer(): Promise<boolean> {
  const workers = workerPids(service.child.pid!);
  if (workers.length !== 2) return false;
  await Promise.all([0, 1, 2, 3].map(previewOnNewConnection));
  return workers.every((pid) =>
    service.logLines.some(
      (line) =>
        line.pid === pid &&
        (line.req as { url?: string } | undefined)?.url === '/api/quotes/preview',
    ),
  );
}

test('a worker killed mid-burst leaves no client waiting', async () => {
  const outcomes: Record<Outcome, number> = { answered: 0, reset: 0, hung: 0 };
  for (let round = 0; round < ROUNDS; round += 1) {
    await until(bothWorkersAnswer, 'two workers answer, a replacement included');
    let answered = 0;
    let killed = false;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let index = 0; index < REQUESTS_PER_CLIENT; index += 1) {
          const outcome = await previewOnNewConnection();
          outcomes[outcome] += 1;
          if (outcome === 'answered') answered += 1;
          if (answered >= KILL_AFTER && !killed) {
            killed = true;
            process.kill(workerPids(service.child.pid!)[0]!, 'SIGKILL');
          }
        }
      }),
    );
    expect(killed).toBe(true);
  }
  expect(outcomes.hung).toBe(0);
  expect(outcomes.answered).toBeGreaterThan(ROUNDS * CLIENTS * REQUESTS_PER_CLIENT * 0.9);
  expect(service.child.exitCode).toBeNull();
}, 120_000);
