/**
 * A SQLite writer that finds the database locked by another process waits for it without
 * freezing its event loop: requests it is serving go on while it waits. Another connection in
 * this same thread holds the lock here, so a writer that blocked the thread would wait for a
 * release that cannot come until its busy timeout (5 s) ran out.
 */
import BetterSqlite3 from 'better-sqlite3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../src/store';
import { newQuote, saveCurrentRuleSet } from './support';

describe('a SQLite writer waiting for another process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'groupquote-lock-'));
  const path = join(dir, 'quotes.sqlite');
  let store: Store;
  let other: BetterSqlite3.Database;

  beforeAll(async () => {
    store = await openStore({ sqlitePath: path });
    await saveCurrentRuleSet(store);
    other = new BetterSqlite3(path);
  });
  afterAll(async () => {
    other.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('keeps the event loop turning, then commits once the lock is free', async () => {
    other.exec('begin immediate');
    const started = Date.now();
    let committed = false;
    const creation = store.createQuote(await newQuote()).then((result) => {
      committed = true;
      return result;
    });

    // Timers still fire on time while the create waits for the lock.
    const ticks: number[] = [];
    for (let tick = 0; tick < 5; tick += 1) {
      await new Promise((wait) => setTimeout(wait, 20));
      ticks.push(Date.now() - started);
    }
    expect(committed).toBe(false);
    expect(ticks[4]).toBeLessThan(1000);

    other.exec('commit');
    const result = await creation;
    expect(result.created).toBe(true);
    expect(result.quote.number).toMatch(/^Q-\d{4}-000001$/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test('gives up with a clear error if the lock is never released', async () => {
    other.exec('begin immediate');
    try {
      const started = Date.now();
      await expect(store.createQuote(await newQuote())).rejects.toMatchObject({
        kind: 'unavailable',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(4900);
    } finally {
      other.exec('rollback');
    }
  }, 15_000);
});

describe('opening a new SQLite file that another process is writing', () => {
  // Service processes start together and open one new file; switching it to WAL while another
  // holds its write lock fails at once unless retried.
  test('waits for the writer instead of failing to open', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'groupquote-open-'));
    const path = join(dir, 'quotes.sqlite');
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]);
         db.exec('begin immediate; create table other_process (x)');
         process.stdout.write('locked');
         setTimeout(() => { db.exec('commit'); db.close(); }, 300);`,
        path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await once(holder.stdout!, 'data');
      const started = Date.now();
      const store = await openStore({ sqlitePath: path });
      await store.close();
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      const check = new BetterSqlite3(path);
      expect(check.pragma('journal_mode', { simple: true })).toBe('wal');
      check.close();
    } finally {
      if (holder.exitCode === null) await once(holder, 'exit');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
