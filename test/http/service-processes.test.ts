/**
 * `npm start` runs one service process per CPU under a supervisor (WORKERS). They share the port
 * and the store: numbers stay gap-free across them, a dead worker is replaced, a service that
 * cannot start says why and exits instead of restarting in a loop, and SIGTERM stops them all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REQUESTS } from './support';
import { generateToken, hashToken, openStore } from '../../src/store';
import {
  spawnService,
  startServiceProcess,
  workerPids,
  type ServiceProcess,
} from './service-process';
import { isAlive } from '../support/processes';

const dir = mkdtempSync(join(tmpdir(), 'groupquote-processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function userToken(database: string): Promise<string> {
  const store = await openStore({ sqlitePath: database });
  const token = generateToken();
  await store.createUser({
    id: `am-${token.slice(-8)}`,
    name: 'Processes',
    role: 'account-manager',
    tokenHash: hashToken(token),
    createdAt: new Date().toISOString(),
  });
  await store.close();
  return token;
}

/** Waits up to 45 s: on a loaded machine a replacement worker takes a while to load the service. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 45_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((wait) => setTimeout(wait, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

async function stop(service: ServiceProcess): Promise<NodeJS.Signals | number | null> {
  if (service.child.exitCode === null && service.child.signalCode === null) {
    service.child.kill('SIGTERM');
  }
  return service.exited;
}

describe('a supervisor with two workers', () => {
  const database = join(dir, 'workers.sqlite');
  let token: string;
  let service: ServiceProcess;

  beforeAll(async () => {
    token = await userToken(database);
    service = await startServiceProcess({ GROUPQUOTE_DB: database, WORKERS: '2' });
  }, 40_000);
  afterAll(async () => {
    // No service when it failed to start: the error that says so is the one to read.
    if (service) await stop(service);
  });

  const create = async () => {
    const response = await fetch(`${service.url}/api/quotes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(REQUESTS.ENT0001()),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { number: string }).number;
  };

  test('announces itself once, with its worker count', () => {
    const announcements = service.logLines.filter((line) => /listening/.test(String(line.msg)));
    expect(announcements).toHaveLength(1);
    expect(announcements[0]).toMatchObject({ workers: 2, pid: service.child.pid });
    expect(workerPids(service.child.pid!)).toHaveLength(2);
  });

  /** Over a connection of its own: a new connection is what the supervisor hands to a worker. */
  const createOnNewConnection = () =>
    new Promise<number>((done, fail) => {
      const request = httpRequest(
        `${service.url}/api/quotes`,
        {
          method: 'POST',
          agent: false,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        },
        (response) => {
          response.resume();
          response.on('end', () => done(response.statusCode!));
        },
      );
      request.on('error', fail);
      request.end(JSON.stringify(REQUESTS.ENT0001()));
    });

  test('both workers store quotes, numbered gap-free across them', async () => {
    const numbers: string[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let index = 0; index < 10; index += 1) numbers.push(await create());
      }),
    );
    const sequences = numbers.map((number) => Number(number.slice(7))).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 160 }, (_, index) => index + 1));

    const workers = new Set(workerPids(service.child.pid!));
    await until(
      () =>
        new Set(
          service.logLines
            .filter((line) => (line.req as { method?: string } | undefined)?.method === 'POST')
            .map((line) => line.pid as number),
        ).size === 2,
      'request lines from both workers are logged',
    );
    const answeredBy = new Set(
      service.logLines
        .filter((line) => (line.req as { method?: string } | undefined)?.method === 'POST')
        .map((line) => line.pid as number),
    );
    expect([...answeredBy].every((pid) => workers.has(pid))).toBe(true);
  }, 90_000);

  test('a worker killed with SIGKILL is replaced and the service keeps answering', async () => {
    const [victim, survivor] = workerPids(service.child.pid!);
    process.kill(victim!, 'SIGKILL');
    await until(() => {
      const workers = workerPids(service.child.pid!);
      return workers.length === 2 && !workers.includes(victim!) && workers.includes(survivor!);
    }, 'a replacement worker runs');
    expect(
      service.logLines.some(
        (line) => line.workerPid === victim && /starting another/.test(String(line.msg)),
      ),
    ).toBe(true);
    // The replacement takes its share of connections once it listens.
    const replacement = workerPids(service.child.pid!).find((pid) => pid !== survivor)!;
    await until(async () => {
      const statuses = await Promise.all(Array.from({ length: 8 }, createOnNewConnection));
      expect(statuses).toEqual(Array(8).fill(201));
      return service.logLines.some(
        (line) => line.pid === replacement && (line.req as { method?: string })?.method === 'POST',
      );
    }, 'the replacement answers requests');
  }, 90_000);

  test('workers that all die at once are all replaced', async () => {
    const before = workerPids(service.child.pid!);
    for (const pid of before) process.kill(pid, 'SIGKILL');
    await until(() => {
      const workers = workerPids(service.child.pid!);
      return workers.length === 2 && workers.every((pid) => !before.includes(pid));
    }, 'two new workers run');
    await until(async () => {
      try {
        return (await fetch(`${service.url}/api/health`)).ok;
      } catch {
        return false;
      }
    }, 'the service answers again');
    expect(service.child.exitCode).toBeNull();
  }, 90_000);

  test('SIGTERM stops every worker and the supervisor exits 0', async () => {
    const workers = workerPids(service.child.pid!);
    expect(await stop(service)).toBe(0);
    for (const pid of workers) expect(() => process.kill(pid, 0)).toThrow();
  }, 40_000);
});

test('workers exit when their supervisor is killed', async () => {
  const database = join(dir, 'orphans.sqlite');
  const service = await startServiceProcess({ GROUPQUOTE_DB: database, WORKERS: '2' });
  const workers = workerPids(service.child.pid!);
  expect(workers).toHaveLength(2);
  service.child.kill('SIGKILL');
  expect(await service.exited).toBe('SIGKILL');
  await until(() => workers.every((pid) => !isAlive(pid)), 'both workers have exited');
}, 40_000);

describe('a service that cannot start', () => {
  let blocker: Server;
  let takenPort: number;
  beforeAll(async () => {
    blocker = createServer();
    await new Promise<void>((ready) => blocker.listen(0, '127.0.0.1', ready));
    takenPort = (blocker.address() as { port: number }).port;
  });
  afterAll(() => blocker.close());

  test.each([1, 2])(
    'with its port taken (WORKERS=%i) says so and exits 1 without restarting',
    async (workers) => {
      const started = spawnService({
        GROUPQUOTE_DB: join(dir, 'port-taken.sqlite'),
        PORT: String(takenPort),
        WORKERS: String(workers),
      });
      expect(await started.exited).toBe(1);
      expect(started.stderr()).toMatch(/groupquote could not start: .*EADDRINUSE/);
      expect(started.stderr()).not.toMatch(/\n\s+at /);
      expect(started.logLines.filter((line) => /starting another/.test(String(line.msg)))).toEqual(
        [],
      );
    },
    40_000,
  );

  test('with bad settings names each one and exits 1 before starting anything', async () => {
    const started = spawnService({ PORT: '70000', WORKERS: 'many' });
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toMatch(/PORT must be a whole number 0–65535, got "70000"/);
    expect(started.stderr()).toMatch(/WORKERS must be a whole number 1–256, got "many"/);
  }, 20_000);

  test('with a broken rule set exits 1 from the supervisor, before forking', async () => {
    const started = spawnService({
      GROUPQUOTE_DB: join(dir, 'bad-rules.sqlite'),
      RULES_DIR: join(dir, 'no-such-rules'),
      WORKERS: '2',
    });
    expect(await started.exited).toBe(1);
    expect(started.stderr()).toMatch(/^groupquote could not start: /);
    expect(started.logLines).toEqual([]);
  }, 20_000);
});
