/**
 * npm run bench:http — POST /api/quotes on loopback, driven by wrk, against the real service
 * (`src/server.ts` as `npm start` runs it: one process per CPU, logging at info to a file) on
 * SQLite, and on PostgreSQL when TEST_DATABASE_URL or DATABASE_URL is set.
 *
 * wrk is a C program: it spends a few µs per request, so the service gets nearly all of the
 * machine. (A Node load generator such as autocannon costs about as much CPU per request as a
 * bare express answer, and on two cores it takes that from the service it measures.)
 *
 * Baselines measured in the same run under the same load: bare express 5 answering a constant
 * (what this machine spends per request before groupquote does anything), GET /api/health, and
 * POST /api/quotes/preview (authentication + validation + pricing, nothing stored), and creates
 * with WORKERS=1. Ratios to them travel between machines; the raw rates on a shared machine do
 * not. The service's CPU per request (all of its processes) is reported too, and on PostgreSQL the
 * database server's, which shares the same cores; from them, the most creates/s those cores allow.
 *
 * Goal (issue 3): ≥ 800 stored quotes/s with p99 < 50 ms on a 2-core machine.
 */
import fc from 'fast-check';
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { generateToken, hashToken, openStore, type StoreOptions } from '../../src/store';
import { eligibleRequest } from '../support/arbitraries';

const ROOT = resolve(__dirname, '../..');
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WORKERS = Number(process.env.WORKERS || availableParallelism());
const GOAL_RATE = 800;
const GOAL_P99_MS = 50;

interface Measured {
  name: string;
  rate: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  /** CPU the service's processes spent per answered request: robust to a noisy, shared machine. */
  serverCpuMs: number | undefined;
  /** CPU the PostgreSQL server spent per answered request, when it is the store. */
  databaseCpuMs?: number | undefined;
}

const CLOCK_TICKS_PER_S = 100;

interface ProcessCpu {
  parent: number;
  name: string;
  cpuMs: number;
}

/** utime + stime in ms of every process, from /proc (Linux); undefined elsewhere. */
function processCpu(): Map<number, ProcessCpu> | undefined {
  try {
    const stats = new Map<number, ProcessCpu>();
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
        stats.set(Number(entry), {
          parent: Number(fields[1]),
          name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(') ')),
          cpuMs: ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_S,
        });
      } catch {
        // the process ended while we looked
      }
    }
    return stats;
  } catch {
    return undefined;
  }
}

/**
 * CPU ms spent between two readings by the processes `selected` picks from the second. A process
 * that ended in between is not counted (its time is gone from /proc); one that started is counted
 * whole.
 */
function cpuSpentMs(
  before: Map<number, ProcessCpu> | undefined,
  after: Map<number, ProcessCpu> | undefined,
  selected: (pid: number, stats: Map<number, ProcessCpu>) => boolean,
): number | undefined {
  if (!before || !after) return undefined;
  let total = 0;
  let found = false;
  for (const [pid, stat] of after) {
    if (!selected(pid, after)) continue;
    found = true;
    const earlier = before.get(pid);
    total += earlier && earlier.name === stat.name ? stat.cpuMs - earlier.cpuMs : stat.cpuMs;
  }
  return found ? total : undefined;
}

/** A process and all its descendants (the supervisor and its workers). */
function inTree(root: number) {
  return (pid: number, stats: Map<number, ProcessCpu>): boolean => {
    for (let ancestor: number | undefined = pid; ancestor; ancestor = stats.get(ancestor)?.parent)
      if (ancestor === root) return true;
    return false;
  };
}

/**
 * The PostgreSQL server on this machine (every process named postgres): it shares the two cores
 * with the service, so what it spends per create is part of what a create costs here.
 */
function isPostgres(pid: number, stats: Map<number, ProcessCpu>): boolean {
  return stats.get(pid)?.name === 'postgres';
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
 * The floor: bare express 5 answering GET /api/health with a constant, in one process. What
 * this machine does per request before groupquote does anything at all.
 */
const EXPRESS_FLOOR = `
const express = require('express');
const app = express();
app.get('/api/health', (_req, res) => { res.json({ status: 'ok' }); });
app.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
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
  // The supervisor announces the service once every worker listens: wait for that line.
  for (let attempt = 0; ; attempt += 1) {
    if (/listening/.test(readFileSync(logPath, 'utf8'))) break;
    if (attempt > 300 || child.exitCode !== null) throw new Error('the service did not start');
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

/** A wrk script that sends `bodies` in turn (pre-formatted once), or GETs when there are none. */
function wrkScript(dir: string, token: string | undefined, bodies: readonly string[]): string {
  const kind = bodies.length > 0 ? 'post' : 'get';
  const bodiesPath = join(dir, `bodies-${kind}.ndjson`);
  writeFileSync(bodiesPath, bodies.join('\n') + '\n');
  const script = join(dir, `requests-${kind}.lua`);
  writeFileSync(
    script,
    `
local requests = {}
local next_index = 0
init = function(args)
  local headers = { ["Content-Type"] = "application/json" }
  ${token ? `headers["Authorization"] = "Bearer ${token}"` : ''}
  ${
    bodies.length > 0
      ? `for line in io.lines("${bodiesPath}") do
    requests[#requests + 1] = wrk.format("POST", nil, headers, line)
  end`
      : `requests[1] = wrk.format("GET", nil, headers, nil)`
  }
end
request = function()
  next_index = next_index % #requests + 1
  return requests[next_index]
end
`,
  );
  return script;
}

/** wrk's "12.34ms" / "850.00us" / "1.02s" in milliseconds. */
function wrkMillis(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s)$/.exec(text ?? '');
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

function runWrk(url: string, script: string, seconds: number): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      'wrk',
      [
        '-t1',
        `-c${CONNECTIONS}`,
        `-d${seconds}s`,
        '--timeout',
        '5s',
        '--latency',
        '-s',
        script,
        url,
      ],
      (error, stdout) => (error ? fail(error) : done(stdout)),
    );
  });
}

async function drive(
  name: string,
  url: string,
  script: string,
  seconds: number,
  pid?: number,
  withPostgres = false,
): Promise<Measured> {
  const before = processCpu();
  const output = await runWrk(url, script, seconds);
  const after = processCpu();
  const requests = Number(/(\d+) requests in/.exec(output)?.[1] ?? 0);
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(output)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/
    .exec(output)
    ?.slice(1)
    .reduce((sum, count) => sum + Number(count), 0);
  const perRequest = (spent: number | undefined) =>
    spent === undefined ? undefined : spent / Math.max(1, requests);
  return {
    name,
    serverCpuMs: pid === undefined ? undefined : perRequest(cpuSpentMs(before, after, inTree(pid))),
    ...(withPostgres ? { databaseCpuMs: perRequest(cpuSpentMs(before, after, isPostgres)) } : {}),
    rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(output)?.[1] ?? 0),
    p50: wrkMillis(/ 50%\s+(\S+)/.exec(output)?.[1]),
    p99: wrkMillis(/ 99%\s+(\S+)/.exec(output)?.[1]),
    ok: requests - non2xx,
    failed: non2xx + (socketErrors ?? 0),
  };
}

async function benchBackend(
  label: string,
  storeOptions: StoreOptions,
  env: Record<string, string>,
  workDir: string,
) {
  const withPostgres = storeOptions.databaseUrl !== undefined;
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
  const posts = wrkScript(workDir, token, BODIES);
  const gets = wrkScript(workDir, undefined, []);

  const single = await startService({ ...env, WORKERS: '1' }, join(workDir, `${label}-single.log`));
  let singleCreate: Measured;
  try {
    await drive('warm-up', `${single.url}/api/quotes/preview`, posts, WARMUP_S);
    singleCreate = await drive(
      'POST /api/quotes, 1 process',
      `${single.url}/api/quotes`,
      posts,
      DURATION_S,
      single.pid,
      withPostgres,
    );
  } finally {
    await single.stop();
  }

  const service = await startService(
    { ...env, WORKERS: String(WORKERS) },
    join(workDir, `${label}.log`),
  );
  try {
    await drive('warm-up', `${service.url}/api/quotes/preview`, posts, WARMUP_S);
    const health = await drive(
      'GET /api/health',
      `${service.url}/api/health`,
      gets,
      DURATION_S,
      service.pid,
      withPostgres,
    );
    const preview = await drive(
      'POST /api/quotes/preview',
      `${service.url}/api/quotes/preview`,
      posts,
      DURATION_S,
      service.pid,
      withPostgres,
    );
    const create = await drive(
      'POST /api/quotes',
      `${service.url}/api/quotes`,
      posts,
      DURATION_S,
      service.pid,
      withPostgres,
    );
    const stored = await fetch(`${service.url}/api/quotes?limit=1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const total = ((await stored.json()) as { total: number }).total;

    console.log(
      `\n${label}: ${WORKERS} service processes (WORKERS=${WORKERS}), ${CONNECTIONS} connections, ${DURATION_S} s each after ${WARMUP_S} s warm-up`,
    );
    for (const measured of [health, preview, create, singleCreate]) report(measured);
    const meets = create.rate >= GOAL_RATE && create.p99 < GOAL_P99_MS && create.failed === 0;
    console.log(
      `  stored ${total} quotes; create/preview ${(create.rate / preview.rate).toFixed(2)}, create/health ${(create.rate / health.rate).toFixed(2)}, ` +
        `${WORKERS} processes / 1 process ${(create.rate / singleCreate.rate).toFixed(2)}`,
    );
    if (create.serverCpuMs !== undefined && floor?.serverCpuMs) {
      console.log(
        `  CPU per request: a create costs ${(create.serverCpuMs / floor.serverCpuMs).toFixed(1)}× the bare-express floor, a preview ${(preview.serverCpuMs! / floor.serverCpuMs).toFixed(1)}×`,
      );
    }
    if (create.serverCpuMs !== undefined) {
      const perCreate = create.serverCpuMs + (create.databaseCpuMs ?? 0);
      const cores = availableParallelism();
      console.log(
        `  CPU per create: ${create.serverCpuMs.toFixed(2)} ms service` +
          (create.databaseCpuMs === undefined
            ? ''
            : ` + ${create.databaseCpuMs.toFixed(2)} ms PostgreSQL = ${perCreate.toFixed(2)} ms`) +
          `; ${cores} cores at that cost store at most ${((cores * 1000) / perCreate).toFixed(0)} quotes/s (wrk not counted)`,
      );
    }
    console.log(
      `  goal ≥ ${GOAL_RATE} stored quotes/s with p99 < ${GOAL_P99_MS} ms: ${meets ? 'MET' : 'NOT MET'} (${create.rate.toFixed(0)}/s, p99 ${create.p99.toFixed(1)} ms)`,
    );
    if (create.failed > 0 || singleCreate.failed > 0) process.exitCode = 1;
  } finally {
    await service.stop();
  }
}

function report(measured: Measured): void {
  console.log(
    `  ${measured.name.padEnd(29)} ${measured.rate.toFixed(0).padStart(6)} req/s   p50 ${measured.p50.toFixed(1).padStart(5)} ms   p99 ${measured.p99.toFixed(1).padStart(5)} ms   2xx ${measured.ok}   failed ${measured.failed}   service CPU ${measured.serverCpuMs === undefined ? '?' : measured.serverCpuMs.toFixed(2)} ms/req` +
      (measured.databaseCpuMs === undefined
        ? ''
        : `   PostgreSQL CPU ${measured.databaseCpuMs.toFixed(2)} ms/req`),
  );
}

async function measureFloor(workDir: string): Promise<Measured> {
  const floor = await startService({}, join(workDir, 'floor.log'), ['-e', EXPRESS_FLOOR]);
  try {
    const measured = await drive(
      'bare express GET, 1 process',
      `${floor.url}/api/health`,
      wrkScript(workDir, undefined, []),
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
  if (spawnSync('wrk', ['--version']).error) {
    console.error('bench:http needs wrk (Debian package wrk): bash .ci/setup-system installs it');
    process.exitCode = 1;
    return;
  }
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
