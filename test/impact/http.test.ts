/**
 * Impact analysis over the API (issue 13): who may start and read one, progress to the end, the
 * result as JSON and CSV; on PostgreSQL the chunks are jobs that a separate `npm run worker`
 * process prices (the service works none itself).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import pg from 'pg';
import { sideOf, summarize } from '../../src/impact/compare';
import type { ImpactResult, ImpactRun } from '../../src/impact/runs';
import { IMPACT_QUEUE } from '../../src/impact/queue';
import { priceQuote } from '../../src/pricing/price';
import type { RuleSet } from '../../src/rules/compile';
import { startTestService, type TestService, type UserKey } from '../http/support';
import { TEST_DATABASE_URL } from '../store/support';
import { parseCsv } from '../support/csv';
import { draftRuleSet, seedPortfolio } from './support';

const ROOT = join(__dirname, '..', '..');
const QUOTE_DATE = '2026-12-02';

let draft: RuleSet;
beforeAll(() => {
  draft = draftRuleSet();
});

async function prepared(service: TestService, enterprises: number): Promise<void> {
  await seedPortfolio(service.store, service.ruleSet, enterprises);
  await service.store.saveRuleSet(draft.hash, draft.snapshot, 'pm', '2026-12-01T00:00:00.000Z');
}

async function finished(service: TestService, id: string, as: UserKey = 'fd'): Promise<ImpactRun> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await service.call('GET', `/api/rulesets/impact-runs/${id}`, { as });
    expect(response.status).toBe(200);
    const run = response.body as ImpactRun;
    if (run.state !== 'running') return run;
    if (Date.now() > deadline) throw new Error(`impact run ${id} still running: ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every row is what pricing the enterprise's latest stored request by hand gives. */
async function expectReplayed(service: TestService, result: ImpactResult): Promise<void> {
  const { items } = await service.store.listQuotes({ limit: 200, offset: 0 });
  for (const row of result.rows) {
    const latest = items.find((quote) => quote.number === row.quoteNumber)!;
    expect(row.enterpriseId).toBe(latest.enterpriseId);
    const before = await priceQuote(service.ruleSet, latest.request, { quoteDate: QUOTE_DATE });
    const after = await priceQuote(draft, latest.request, { quoteDate: QUOTE_DATE });
    expect(row.before).toEqual(sideOf(before));
    expect(row.after).toEqual(sideOf(after));
  }
  expect(result.summary).toEqual(summarize(result.rows));
}

describe('impact analysis over the API [sqlite, worker threads]', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    await prepared(service, 8);
  });
  afterAll(() => service.close());

  it('is started by a pricing manager only, and read by pricing and finance only', async () => {
    const path = `/api/rulesets/${draft.hash}/impact`;
    const body = { quoteDate: QUOTE_DATE };
    for (const as of ['am1', 'fd', 'auditor', 'admin'] as const) {
      expect((await service.call('POST', path, { as, body })).status).toBe(403);
    }
    const started = await service.call('POST', path, { as: 'pm', body });
    expect(started.status).toBe(201);
    const run = started.body as ImpactRun;
    expect(started.headers.get('location')).toBe(`/api/rulesets/impact-runs/${run.id}`);
    expect(run).toMatchObject({
      state: 'running',
      after: draft.hash,
      before: service.ruleSet.hash,
    });
    for (const as of ['am1', 'admin'] as const) {
      const read = await service.call('GET', `/api/rulesets/impact-runs/${run.id}`, { as });
      expect(read.status).toBe(403);
    }
    const done = await finished(service, run.id, 'auditor');
    expect(done).toMatchObject({ state: 'done', done: 8, total: 8, quoteDate: QUOTE_DATE });

    const result = await service.call('GET', `/api/rulesets/impact-runs/${run.id}/result`, {
      as: 'pm',
    });
    expect(result.status).toBe(200);
    await expectReplayed(service, result.body as ImpactResult);

    const csv = await service.call(
      'GET',
      `/api/rulesets/impact-runs/${run.id}/result?format=csv&lang=zh-CN`,
      { as: 'fd' },
    );
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toContain(`impact-${run.id}.csv`);
    const records = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    expect(records[0]!.slice(0, 2)).toEqual(['客户编号', '客户名称']);
    expect(records).toHaveLength(1 + 8 + 1);
  });

  it('names what it cannot do: an unknown rule set, run or id, a bad body', async () => {
    const unknown = await service.call('POST', `/api/rulesets/${'e'.repeat(64)}/impact`, {
      as: 'pm',
      body: {},
    });
    expect(unknown.status).toBe(404);
    const badBody = await service.call('POST', `/api/rulesets/${draft.hash}/impact`, {
      as: 'pm',
      body: { against: 'yesterday', quoteDate: '2026-13-01' },
    });
    expect(badBody.status).toBe(400);
    expect(badBody.body.error.issues.map((issue: { path: string }) => issue.path)).toEqual([
      'against',
      'quoteDate',
    ]);
    const noRun = await service.call(
      'GET',
      '/api/rulesets/impact-runs/00000000-0000-4000-8000-000000000000',
      { as: 'fd' },
    );
    expect(noRun.status).toBe(404);
    expect((await service.call('GET', '/api/rulesets/impact-runs/x', { as: 'fd' })).status).toBe(
      400,
    );
  });
});

const describePostgres = TEST_DATABASE_URL ? describe : describe.skip;

describePostgres('impact analysis over the API [postgres, pg-boss and npm run worker]', () => {
  const schema = `gq_impact_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let service: TestService;
  let worker: ChildProcess | undefined;

  beforeAll(async () => {
    service = await startTestService({
      dialect: 'postgres',
      impactQueueSchema: schema,
    });
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) {
      worker.kill('SIGTERM');
      await once(worker, 'exit');
    }
    await service?.close();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`drop schema if exists ${schema} cascade`);
    await admin.end();
  });

  it('hands its chunks to a worker process, which prices them', async () => {
    await prepared(service, 10);
    const started = await service.call('POST', `/api/rulesets/${draft.hash}/impact`, {
      as: 'pm',
      body: { quoteDate: QUOTE_DATE },
    });
    expect(started.status).toBe(201);
    const run = started.body as ImpactRun;
    worker = spawn(process.execPath, ['--import', 'tsx', 'src/serve/impact-worker.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: service.databaseUrl,
        IMPACT_QUEUE_SCHEMA: schema,
        IMPACT_THREADS: '1',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const done = await finished(service, run.id);
    expect(done).toMatchObject({ state: 'done', done: 10, total: 10 });
    const result = await service.call('GET', `/api/rulesets/impact-runs/${run.id}/result`, {
      as: 'fd',
    });
    await expectReplayed(service, result.body as ImpactResult);

    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ completed: string }>(
        `select count(*) as completed from (
           select id from ${schema}.job where name = $1 and state = 'completed'
           union all select id from ${schema}.archive where name = $1 and state = 'completed'
         ) jobs`,
        [IMPACT_QUEUE],
      );
      expect(Number(rows[0]!.completed)).toBeGreaterThan(0);
    } finally {
      await admin.end();
    }
  });
});
