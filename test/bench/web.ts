/**
 * npm run bench:web — how long the web workspace takes to answer, server side, over loopback.
 *
 * pages:    GET of every page of the workspace (signed in, SQLite, a few hundred stored quotes),
 *           timed from request to the last byte of the HTML.
 * preview:  the live preview as the new-quote form posts it while someone types (form body →
 *           request → priced with headroom → HTML fragment).
 * baseline: POST /api/quotes/preview?headroom=true with the same request as JSON and a bearer
 *           token: the API's answer to the same question, measured in the same run, alternating
 *           with the preview so that machine noise hits both alike.
 * One closed-loop caller: a person's browser sends one request at a time. Goals: every page's p95
 * under 50 ms, the preview's p95 under 100 ms.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { loadRuleSet } from '../../src/rules/load';
import { startServer } from '../../src/serve/server';
import { generateToken, hashToken, openStore } from '../../src/store';
import { REQUESTS } from '../http/support';
import { FIXTURE_RULES_DIR } from '../support/rule-set-copy';
import { WebClient, flatForm, hiddenValue } from '../web/support';

const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 200);
const QUOTES = Number(process.env.BENCH_QUOTES ?? 300);
const PAGE_GOAL_MS = 50;
const PREVIEW_GOAL_MS = 100;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

async function timed(work: () => Promise<{ status: number }>, expected = 200): Promise<number> {
  const started = performance.now();
  const { status } = await work();
  const elapsed = performance.now() - started;
  if (status !== expected) throw new Error(`answered ${status}, expected ${expected}`);
  return elapsed;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'groupquote-bench-web-'));
  const store = await openStore({ sqlitePath: join(dir, 'bench.sqlite') });
  const ruleSet = loadRuleSet(FIXTURE_RULES_DIR);
  const tokens: Record<string, string> = {};
  for (const [id, role] of [
    ['am', 'account-manager'],
    ['fd', 'finance-director'],
    ['pm', 'pricing-manager'],
  ] as const) {
    tokens[id] = generateToken();
    await store.createUser({
      id,
      name: id,
      role,
      tokenHash: hashToken(tokens[id]!),
      createdAt: new Date().toISOString(),
    });
  }
  const server = await startServer({ store, ruleSet, logger: pino({ level: 'silent' }) });
  try {
    const api = async (method: string, path: string, token: string, body?: unknown) =>
      fetch(server.url + path, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const requests = [
      REQUESTS.ENT0001(),
      REQUESTS.ENT0002(),
      REQUESTS.ENT0003(),
      REQUESTS.pricingManager(),
    ];
    let number = '';
    for (let index = 0; index < QUOTES; index++) {
      const created = await api(
        'POST',
        '/api/quotes',
        tokens.am!,
        requests[index % requests.length],
      );
      number = ((await created.json()) as { number: string }).number;
      if (index % 3 === 0)
        await (await api('POST', `/api/quotes/${number}/submit`, tokens.am!)).text();
    }

    const signedIn = async (who: string) => {
      const client = new WebClient(server.url);
      const form = await client.get('/sign-in');
      await client.post('/sign-in', {
        _csrf: hiddenValue(form.text, '_csrf'),
        token: tokens[who]!,
      });
      const page = await client.get('/quotes');
      return { client, csrf: hiddenValue(page.text, '_csrf') };
    };
    const am = await signedIn('am');
    const fd = await signedIn('fd');
    const pm = await signedIn('pm');
    const pages: [string, WebClient][] = [
      ['/quotes', am.client],
      ['/quotes/new', am.client],
      [`/quotes/${number}`, am.client],
      ['/quotes?state=pending-approval&q=ENT', fd.client],
      [`/quotes/${number}`, fd.client],
      ['/approvals', fd.client],
      ['/finance', fd.client],
      ['/audit', fd.client],
      ['/rulesets', pm.client],
      [`/rulesets/${ruleSet.hash}`, pm.client],
    ];

    const form = { ...flatForm(REQUESTS.ENT0001()), _csrf: am.csrf };
    const warm = Math.ceil(SAMPLES / 10);
    const preview: number[] = [];
    const baseline: number[] = [];
    for (let index = 0; index < SAMPLES + warm; index++) {
      const web = await timed(() =>
        am.client.post('/quotes/preview', form, { 'HX-Request': 'true', 'X-CSRF-Token': am.csrf }),
      );
      const json = await timed(async () => {
        const response = await api(
          'POST',
          '/api/quotes/preview?headroom=true',
          tokens.am!,
          REQUESTS.ENT0001(),
        );
        await response.arrayBuffer();
        return response;
      });
      if (index >= warm) {
        preview.push(web);
        baseline.push(json);
      }
    }

    let worstPage = { path: '', p95: 0 };
    for (const [path, client] of pages) {
      const samples: number[] = [];
      for (let index = 0; index < Math.ceil(SAMPLES / 2) + 5; index++) {
        const elapsed = await timed(() => client.get(path));
        if (index >= 5) samples.push(elapsed);
      }
      const p95 = percentile(samples, 95);
      console.log(
        `page ${path.padEnd(40)} p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${p95.toFixed(1)} ms`,
      );
      if (p95 > worstPage.p95) worstPage = { path, p95 };
    }
    const previewP95 = percentile(preview, 95);
    const baselineP95 = percentile(baseline, 95);
    console.log(
      `preview (form → HTML, with headroom) p50 ${percentile(preview, 50).toFixed(1)} ms, p95 ${previewP95.toFixed(1)} ms`,
    );
    console.log(
      `baseline (API JSON preview, with headroom) p50 ${percentile(baseline, 50).toFixed(1)} ms, p95 ${baselineP95.toFixed(1)} ms`,
    );
    const met = worstPage.p95 < PAGE_GOAL_MS && previewP95 < PREVIEW_GOAL_MS;
    console.log(
      `bench:web: page p95 ${worstPage.p95.toFixed(1)} ms (worst ${worstPage.path}), preview p95 ${previewP95.toFixed(1)} ms, API preview p95 ${baselineP95.toFixed(1)} ms, ratio ${(previewP95 / baselineP95).toFixed(2)}; goal (pages < ${PAGE_GOAL_MS} ms, preview < ${PREVIEW_GOAL_MS} ms) ${met ? 'met' : 'NOT met'}`,
    );
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
