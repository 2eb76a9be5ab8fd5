/**
 * npm run bench:http — POST /api/quotes on loopback, driven by autocannon, against the real
 * service process (`src/server.ts`, logging at info to a file) on SQLite, and on PostgreSQL when
 * TEST_DATABASE_URL or DATABASE_URL is set.
 *
 * Baselines measured in the same run under the same load: bare express 5 answering a constant
 * (what this machine spends per request before groupquote does anything), GET /api/health, and
 * POST /api/quotes/preview (authentication + validation + pricing, nothing stored). The ratio
 * create / preview is what storing costs. The service's CPU per request is reported too: on a
 * shared machine it moves far less than req/s does.
 *
 * Goal (issue 3): ≥ 800 stored quotes/s with p99 < 50 ms on a 2-core machine.
 */
import autocannon from 'autocannon';
import fc from 'fast-check';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { generateToken, hashToken, openStore, type StoreOptions } from '../../src/store';
import { eligibleRequest } from '../support/arbitraries';

const ROOT = resolve(__dirname, '../..');
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const GOAL_RATE = 800;
const GOAL_P99_MS = 50;

interface Measured {
  name: string;
  rate: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  /** CPU the service process spent per answered request: robust to a noisy, shared machine. */
  serverCpuMs: number | undefined;
}

const CLOCK_TICKS_PER_S = 100;

/** utime + stime of a process in ms, from /proc (Linux); undefined elsewhere. */
function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/** Realistic, varied requests (every tier, term and handset mix), rotated through. */
const BODIES = fc
  .sample(eligibleRequest, { numRuns: 64, seed: 20261127 })
  .map((request) => JSON.stringify(request));

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

/**
 * The floor: bare express 5 answering GET /api/health with a constant, in its own process. What
 * this machine does per request before groupquote does anything at all.
 */
const EXPRESS_FLOOR = `
const express = require('express');
const app = express();
app.get('/api/health', (_req, res) => { res.json({ status: 'ok' }); });
app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => process.exit(0));
`;

const SERVICE_ARGS = ['--import', 'tsx', join(ROOT, 'src/server.ts')];

async function startService(env: Record<string, string>, logPath: string, args = SERVICE_ARGS) {
  const port = await freePort();
  const log = openSync(logPath, 'w');
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info' },
    stdio: ['ignore', log, 'inherit'],
  });
  closeSync(log);
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (attempt > 200 || child.exitCode !== null) throw new Error('the service did not start');
    await new Promise((wait) => setTimeout(wait, 100));
  }
  return {
    url,
    pid: child.pid,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

async function drive(
  name: string,
  url: string,
  token: string | undefined,
  method: 'GET' | 'POST',
  seconds: number,
  pid?: number,
): Promise<Measured> {
  let next = 0;
  const cpuBefore = processCpuMs(pid);
  const result = await autocannon({
    url,
    method,
    connections: CONNECTIONS,
    duration: seconds,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    requests: [
      {
        setupRequest: (request) =>
          method === 'POST' ? { ...request, body: BODIES[next++ % BODIES.length]! } : request,
      },
    ],
  });
  const cpuAfter = processCpuMs(pid);
  return {
    name,
    serverCpuMs:
      cpuBefore === undefined || cpuAfter === undefined
        ? undefined
        : (cpuAfter - cpuBefore) / Math.max(1, result['2xx'] + result.non2xx),
    rate: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

async function benchBackend(
  label: string,
  storeOptions: StoreOptions,
  env: Record<string, string>,
  workDir: string,
) {
  const store = await openStore(storeOptions);
  const token = generateToken();
  await store.createUser({
    id: `bench-${Date.now()}`,
    name: 'Bench',
    role: 'account-manager',
    tokenHash: hashToken(token),
    createdAt: new Date().toISOString(),
  });
  await store.close();

  const service = await startService(env, join(workDir, `${label}.log`));
  try {
    await drive('warm-up', `${service.url}/api/quotes/preview`, token, 'POST', WARMUP_S);
    const health = await drive(
      'GET /api/health',
      `${service.url}/api/health`,
      undefined,
      'GET',
      DURATION_S,
      service.pid,
    );
    const preview = await drive(
      'POST /api/quotes/preview',
      `${service.url}/api/quotes/preview`,
      token,
      'POST',
      DURATION_S,
      service.pid,
    );
    const create = await drive(
      'POST /api/quotes',
      `${service.url}/api/quotes`,
      token,
      'POST',
      DURATION_S,
      service.pid,
    );
    const stored = await fetch(`${service.url}/api/quotes?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const total = ((await stored.json()) as { total: number }).total;

    console.log(
      `\n${label} (${CONNECTIONS} connections, ${DURATION_S} s each, after ${WARMUP_S} s warm-up)`,
    );
    for (const measured of [health, preview, create]) report(measured);
    const meets = create.rate >= GOAL_RATE && create.p99 < GOAL_P99_MS && create.failed === 0;
    console.log(
      `  stored ${total} quotes; create/preview ${(create.rate / preview.rate).toFixed(2)}, create/health ${(create.rate / health.rate).toFixed(2)}; ` +
        `goal ≥ ${GOAL_RATE}/s with p99 < ${GOAL_P99_MS} ms: ${meets ? 'MET' : 'NOT MET'}`,
    );
    if (create.serverCpuMs !== undefined) {
      const floorCpu = floor?.serverCpuMs;
      console.log(
        `  one service process could store at most ~${(1000 / create.serverCpuMs).toFixed(0)} quotes/s on a core of its own (1000 / CPU ms per create)` +
          (floorCpu
            ? `; a create costs ${(create.serverCpuMs / floorCpu).toFixed(1)}× the bare-express floor, a preview ${(preview.serverCpuMs! / floorCpu).toFixed(1)}×`
            : ''),
      );
    }
    if (create.failed > 0) process.exitCode = 1;
  } finally {
    await service.stop();
  }
}

function report(measured: Measured): void {
  console.log(
    `  ${measured.name.padEnd(26)} ${measured.rate.toFixed(0).padStart(6)} req/s   p50 ${measured.p50.toFixed(1).padStart(5)} ms   p99 ${measured.p99.toFixed(1).padStart(5)} ms   2xx ${measured.ok}   failed ${measured.failed}   service CPU ${measured.serverCpuMs === undefined ? '?' : measured.serverCpuMs.toFixed(2)} ms/req`,
  );
}

async function measureFloor(workDir: string): Promise<Measured> {
  const floor = await startService({}, join(workDir, 'floor.log'), ['-e', EXPRESS_FLOOR]);
  try {
    const measured = await drive(
      'bare express GET',
      `${floor.url}/api/health`,
      undefined,
      'GET',
      DURATION_S,
      floor.pid,
    );
    console.log(
      `machine floor (${CONNECTIONS} connections, ${DURATION_S} s): bare express 5 with a constant JSON answer`,
    );
    report(measured);
    return measured;
  } finally {
    await floor.stop();
  }
}

let floor: Measured | undefined;

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'groupquote-bench-http-'));
  try {
    floor = await measureFloor(workDir);
    const sqlitePath = join(workDir, 'quotes.sqlite');
    await benchBackend(
      'sqlite',
      { sqlitePath },
      { GROUPQUOTE_DB: sqlitePath, DATABASE_URL: '' },
      workDir,
    );

    const postgresUrl = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL;
    if (!postgresUrl) {
      console.log('\npostgres: SKIPPED (set TEST_DATABASE_URL or DATABASE_URL)');
      return;
    }
    // A schema of its own, so the run starts empty and leaves nothing behind.
    const schema = `gq_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    try {
      const url = new URL(postgresUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      await benchBackend(
        'postgres',
        { databaseUrl: url.toString() },
        { DATABASE_URL: url.toString() },
        workDir,
      );
    } finally {
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
