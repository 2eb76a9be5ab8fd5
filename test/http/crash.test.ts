/**
 * Durability: the service is killed with SIGKILL in the middle of a burst of creates, as one
 * process and as a supervisor with two workers (every process of it killed at once, as a lost
 * machine would). Every quote it acknowledged (201) must be there after a restart, with the
 * figures it was acknowledged with, and the numbers must still be gap-free.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { generateToken, hashToken, openStore } from '../../src/store';
import { eligibleRequest } from '../support/arbitraries';
import { startServiceProcess, workerPids, type ServiceProcess } from './service-process';

describe.each([1, 2])('a service of %i process(es) killed with SIGKILL mid-burst', (workers) => {
  const dir = mkdtempSync(join(tmpdir(), 'groupquote-crash-'));
  const database = join(dir, 'quotes.sqlite');
  let token: string;
  let running: ServiceProcess | undefined;

  beforeAll(async () => {
    const store = await openStore({ sqlitePath: database });
    token = generateToken();
    await store.createUser({
      id: 'am-crash',
      name: 'Crash Test',
      role: 'account-manager',
      tokenHash: hashToken(token),
      createdAt: new Date().toISOString(),
    });
    await store.close();
  });
  afterAll(async () => {
    if (running && running.child.exitCode === null && running.child.signalCode === null) {
      running.child.kill('SIGTERM');
      await running.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged quote', async () => {
    running = await startServiceProcess({ GROUPQUOTE_DB: database, WORKERS: String(workers) });
    const requests = fc.sample(eligibleRequest, { numRuns: 400, seed: 42 });
    const acknowledged = new Map<string, { enterpriseId: string; quote: unknown }>();
    let failedAfterKill = 0;
    let killed = false;
    const target = running;

    // Eight clients write as fast as they can; the process is killed once 120 quotes are in.
    const clients = Array.from({ length: 8 }, async (_, client) => {
      for (let index = client; index < requests.length; index += 8) {
        const body = {
          ...requests[index]!,
          enterprise: { ...requests[index]!.enterprise, id: `ENT-CRASH-${index}` },
        };
        try {
          const response = await fetch(`${target.url}/api/quotes`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify(body),
          });
          if (response.status !== 201)
            throw new Error(`unexpected ${response.status}: ${await response.text()}`);
          const quote = await response.json();
          acknowledged.set(quote.number, { enterpriseId: quote.enterpriseId, quote: quote.quote });
          if (acknowledged.size >= 120 && !killed) {
            killed = true;
            for (const worker of workerPids(target.child.pid!)) process.kill(worker, 'SIGKILL');
            target.child.kill('SIGKILL');
          }
        } catch (error) {
          if (!killed) throw error;
          failedAfterKill += 1;
          return;
        }
      }
    });
    await Promise.all(clients);
    expect(killed).toBe(true);
    expect(await target.exited).toBe('SIGKILL');
    expect(failedAfterKill).toBeGreaterThan(0);

    running = await startServiceProcess({ GROUPQUOTE_DB: database, WORKERS: String(workers) });
    const listed = await fetch(`${running.url}/api/quotes?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { total } = await listed.json();
    expect(total).toBeGreaterThanOrEqual(acknowledged.size);
    for (const [number, { enterpriseId, quote }] of acknowledged) {
      const response = await fetch(`${running.url}/api/quotes/${number}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect({ number, status: response.status }).toEqual({ number, status: 200 });
      const stored = await response.json();
      expect(stored.enterpriseId).toBe(enterpriseId);
      expect(stored.quote).toEqual(quote);
    }
    // Gap-free: the stored numbers are exactly 1..total.
    const sequences: number[] = [];
    for (let offset = 0; offset < total; offset += 200) {
      const page = await fetch(`${running.url}/api/quotes?limit=200&offset=${offset}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      sequences.push(
        ...(await page.json()).items.map((item: { number: string }) =>
          Number(item.number.slice(7)),
        ),
      );
    }
    expect(sequences.sort((a, b) => a - b)).toEqual(
      Array.from({ length: total }, (_, index) => index + 1),
    );

    running.child.kill('SIGTERM');
    expect(await running.exited).toBe(0);
  }, 90_000);
});
