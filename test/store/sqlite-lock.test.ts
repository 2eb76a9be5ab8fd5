/**
 * A SQLite writer that finds the database locked by another process waits for it without
 * freezing its event loop: requests it is serving go on while it waits. Another connection in
 * this same thread holds the lock here, so a writer that blocked the thread would wait for a
 * release that cannot come until its busy timeout (5 s) ran out.
 */
import BetterSqlite3 from 'better-sqlite3';
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
