/**
 * Several operating-system processes sharing one database: numbers stay unique and gap-free, the
 * audit chain stays one chain, and a process killed mid-burst loses no acknowledged quote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { openStore } from '../../src/store/open';
import type { StoreOptions } from '../../src/store/open';
import {
  createTestDatabase,
  describeEachDialect,
  newQuote,
  oneTo,
  sequenceOf,
  type TestDatabase,
} from './support';

const WORKER = join(__dirname, 'create-quotes-worker.ts');

interface Worker {
  child: ChildProcess;
  acknowledged: string[];
  exited: Promise<number | null>;
}

function startWorker(options: StoreOptions, count: number, concurrency = 8): Worker {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WORKER, JSON.stringify(options), String(count), String(concurrency)],
    { cwd: join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const acknowledged: string[] = [];
  let pending = '';
  let errors = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    acknowledged.push(...lines);
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      if (code !== 0 && code !== null) process.stderr.write(errors);
      resolve(code);
    }),
  );
  return { child, acknowledged, exited };
}

async function storedNumbers(database: TestDatabase): Promise<string[]> {
  const rows = await database.query<{ number: string }>('select number from quotes');
  return rows.map((row) => row.number);
}

describeEachDialect('store: several processes', (dialect) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(dialect);
  });
  afterEach(() => database.dispose());

  test('three processes creating at once get one gap-free sequence and one audit chain', async () => {
    const workers = [1, 2, 3].map(() => startWorker(database.options, 40));
    expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0, 0]);
    const acknowledged = workers.flatMap((worker) => worker.acknowledged);
    expect(acknowledged.map(sequenceOf).sort((a, b) => a - b)).toEqual(oneTo(120));
    expect((await storedNumbers(database)).sort()).toEqual([...acknowledged].sort());

    const store = await openStore(database.options);
    try {
      const verification = await store.verifyAudit();
      // One rule-set first use (whichever process won) and 120 creations.
      expect(verification).toMatchObject({ ok: true, checked: 121, problems: [] });
    } finally {
      await store.close();
    }
  }, 60_000);

  test('a process killed with SIGKILL mid-burst loses no acknowledged quote and leaves no gap', async () => {
    const victim = startWorker(database.options, 100_000, 16);
    const bystander = startWorker(database.options, 60);
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (victim.acknowledged.length >= 50) {
          clearInterval(poll);
          victim.child.kill('SIGKILL');
          resolve();
        }
      }, 5);
      victim.exited.then((code) => {
        clearInterval(poll);
        if (code !== null) reject(new Error(`worker exited with ${code} before it was killed`));
      });
    });
    expect(await victim.exited).toBeNull();
    expect(await bystander.exited).toBe(0);

    const stored = new Set(await storedNumbers(database));
    for (const number of [...victim.acknowledged, ...bystander.acknowledged]) {
      expect(stored.has(number)).toBe(true);
    }
    // Whatever the victim had in flight either committed whole or not at all.
    expect([...stored].map(sequenceOf).sort((a, b) => a - b)).toEqual(oneTo(stored.size));
    const store = await openStore(database.options);
    try {
      expect(await store.verifyAudit()).toMatchObject({ ok: true, checked: stored.size + 1 });
      const next = await store.createQuote(await newQuote());
      expect(sequenceOf(next.quote.number)).toBe(stored.size + 1);
    } finally {
      await store.close();
    }
  }, 60_000);
});
