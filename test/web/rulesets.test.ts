/**
 * The pricing analyst's pages in real Chromium with JavaScript on: a rule file edited as JSON
 * (checked as it is typed) and pushed as a draft, the draft's checks and diff, its impact on the
 * stored portfolio (polled by htmx, with its chart and CSV), publication by a second pricing
 * manager (four eyes refuses the author), a new quote carrying the new hash, and a rollback.
 * Finance reads the pages without their buttons; an account manager is refused them. axe-core
 * finds no serious or critical violation on any of them, in either language.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'puppeteer';
import { generateToken, hashToken } from '../../src/store';
import {
  DIALECTS,
  REQUESTS,
  announceSkippedPostgres,
  createQuote,
  startTestService,
  type TestService,
} from '../http/support';
import type { Dialect } from '../../src/store/connection';
import { FIXTURE_RULES_DIR } from '../support/rule-set-copy';
import { fetchFromPage, inspect, launchBrowser, openAs, type UserPage } from './browser';

jest.setTimeout(180_000);

/** The fixture's cases that do not price a key account's long-distance minutes (the change). */
const CASES_UNTOUCHED_BY_THE_CHANGE = [
  'ENT-0002',
  'ENT-0003',
  'refused-three-reasons',
  'standard-36-month-lite-handsets',
];

let browser: Browser;
let service: TestService;
let casesDir: string;
let secondManager: { token: string };
const opened: UserPage[] = [];

beforeAll(async () => {
  casesDir = mkdtempSync(join(tmpdir(), 'groupquote-web-cases-'));
  for (const name of CASES_UNTOUCHED_BY_THE_CHANGE)
    cpSync(join(FIXTURE_RULES_DIR, 'cases', `${name}.json`), join(casesDir, `${name}.json`));
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  if (casesDir) rmSync(casesDir, { recursive: true, force: true });
});

/** A service on `dialect` with a second pricing manager and a portfolio to analyse. */
async function startService(dialect: Dialect): Promise<void> {
  service = await startTestService({ dialect, live: true, ruleCasesDir: casesDir });
  // Four eyes (tariff.json publication.fourEyes): the author may not publish their own draft.
  secondManager = { token: generateToken() };
  await service.store.createUser({
    id: 'pm-second',
    name: '赵敏',
    role: 'pricing-manager',
    tokenHash: hashToken(secondManager.token),
    createdAt: service.clock.now.toISOString(),
  });
  // The portfolio an impact analysis re-prices: key, strategic and standard accounts.
  for (const request of [REQUESTS.ENT0001(), REQUESTS.ENT0002(), REQUESTS.ENT0003()])
    await createQuote(service, 'am1', request);
}
afterEach(async () => {
  for (const user of opened.splice(0)) {
    expect(user.problems).toEqual([]);
    await user.context.close();
  }
});

async function as(
  who: Parameters<typeof openAs>[2],
  lang: 'zh-CN' | 'en' = 'zh-CN',
): Promise<UserPage> {
  const user = await openAs(browser, service, who, lang);
  opened.push(user);
  return user;
}

/** The second pricing manager, signed in through the form with their own token. */
async function asSecondManager(lang: 'zh-CN' | 'en'): Promise<UserPage> {
  const user = await as(undefined, lang);
  await user.page.type('#token', secondManager.token);
  await Promise.all([
    user.page.waitForNavigation(),
    user.page.click('form[action="/sign-in"] button'),
  ]);
  return user;
}

async function go(page: Page, path: string): Promise<number> {
  const response = await page.goto(`${service.url}${path}`);
  return response?.status() ?? 0;
}

async function submit(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation(), page.click(selector)]);
}

async function textOf(page: Page, selector = 'main'): Promise<string> {
  return page.$eval(selector, (element) => element.textContent ?? '');
}

async function liveHash(): Promise<string> {
  const { hash } = await service.store.liveRuleSetVersion();
  if (!hash) throw new Error('no live rule set');
  return hash;
}

/** Replaces the editor's text and types one more character, as a person's last keystroke. */
async function typeInto(page: Page, text: string): Promise<void> {
  await page.$eval(
    '#rule-text',
    (element, value) => {
      (element as HTMLTextAreaElement).value = value;
    },
    text.slice(0, -1),
  );
  await page.type('#rule-text', text.slice(-1));
}

async function checkShows(page: Page, expected: string): Promise<void> {
  await page.waitForFunction(
    (words) => document.querySelector('#check')?.textContent?.includes(words) === true,
    { timeout: 15_000 },
    expected,
  );
}

announceSkippedPostgres('the pricing analyst in Chromium');

/**
 * Every flow on SQLite; with TEST_DATABASE_URL, the analyst's main flow again on PostgreSQL
 * (LISTEN/NOTIFY carries the publication there), not the rest: a browser run costs time.
 */
describe.each(DIALECTS)('the pricing analyst in the browser on %s', (dialect) => {
  const shot = (name: string) => (dialect === 'postgres' ? `pg-${name}` : name);
  const everyFlow = dialect === 'sqlite' ? it : it.skip;
  beforeAll(() => startService(dialect));
  afterAll(async () => {
    await service?.close();
  });

  it('edits a rule, pushes a draft, analyses its impact, publishes it (four eyes) and rolls it back', async () => {
    const original = await liveHash();
    const pm = await as('pm');
    await go(pm.page, '/rulesets');
    await inspect(pm.page, shot('zh-CN-rulesets'));
    expect(await textOf(pm.page, 'main')).toContain(original.slice(0, 12));

    await go(pm.page, `/rulesets/${original}`);
    expect(await textOf(pm.page)).toContain('long-distance-key');
    await go(pm.page, `/rulesets/${original}/edit/long-distance.rules.json`);
    const text = await pm.page.$eval(
      '#rule-text',
      (element) => (element as HTMLTextAreaElement).value,
    );

    // Broken JSON is placed at its line and column as it is typed.
    await typeInto(pm.page, text.replace('"percent": "35"', '"percent": "35",,'));
    await checkShows(pm.page, 'long-distance.rules.json:');
    const syntax = await textOf(pm.page, '#check');
    expect(syntax).toMatch(/long-distance\.rules\.json:\d+:\d+/);
    // In words, not jsonc-parser's code name (PropertyNameExpected).
    expect(syntax).toContain('应为用双引号括起的属性名');
    expect(syntax).not.toMatch(/[A-Z][a-z]+Expected/);
    await inspect(pm.page, shot('zh-CN-ruleset-editor-error'));

    // A percent the verifier cannot accept is named with its line, before anything is stored.
    await typeInto(pm.page, text.replace('"percent": "35"', '"percent": "135"'));
    await checkShows(pm.page, '错误');

    await typeInto(pm.page, text.replace('"percent": "35"', '"percent": "40"'));
    await checkShows(pm.page, '没有问题');
    await pm.page.type('#push-note', '重点客户长途优惠 35% → 40%');
    await submit(pm.page, 'form.editor button[type=submit]');
    const draftPath = new URL(pm.page.url()).pathname;
    const draft = draftPath.split('/')[2]!;
    expect(draft).toMatch(/^[0-9a-f]{64}$/);
    expect(draft).not.toBe(original);
    const draftPage = await textOf(pm.page);
    expect(draftPage).toContain('long-distance-key：percent 35 → 40');
    expect(draftPage).toContain('4 个中 4 个通过');
    await inspect(pm.page, shot('zh-CN-ruleset-draft'));

    // Impact against live: started here, polled by htmx until the result replaces the progress.
    await submit(pm.page, `form[action="/rulesets/${draft}/impact"] button`);
    await pm.page.waitForSelector('#impact table.migration', { timeout: 60_000 });
    const impact = await textOf(pm.page, '#impact');
    expect(impact).toContain('ENT-0001');
    await pm.page.waitForFunction(
      () => (document.querySelector('figure.chart img') as HTMLImageElement | null)?.naturalWidth,
    );
    // At the dashboard's scale: never stretched past the size it was drawn at, title and all.
    const chart = await pm.page.$eval('figure.chart img', (image) => ({
      shown: (image as HTMLImageElement).clientWidth,
      drawn: (image as HTMLImageElement).naturalWidth,
    }));
    expect(chart.shown).toBeLessThanOrEqual(chart.drawn);
    await inspect(pm.page, shot('zh-CN-ruleset-impact'));
    const csvHref = await pm.page.$eval('#impact a[download]', (link) =>
      link.getAttribute('href')!,
    );
    const csv = await fetchFromPage(pm.page, csvHref);
    expect(csv.status).toBe(200);
    expect(csv.type).toContain('text/csv');
    expect(csv.text).toContain('ENT-0001');

    // Four eyes: the author is refused, clearly, and nothing goes live.
    await go(pm.page, `/rulesets/${draft}`);
    await pm.page.type('#publish-note', '试发布');
    await pm.page.click('form[action$="/publish"] input[name=confirm]');
    await submit(pm.page, 'form[action$="/publish"] button');
    expect(await textOf(pm.page, '[role=alert]')).toContain('双人复核');
    expect(await liveHash()).toBe(original);

    const second = await asSecondManager('zh-CN');
    await go(second.page, `/rulesets/${draft}`);
    await second.page.type('#publish-note', '复核通过');
    await second.page.click('form[action$="/publish"] input[name=confirm]');
    await submit(second.page, 'form[action$="/publish"] button');
    expect(new URL(second.page.url()).pathname).toBe('/rulesets');
    expect(await textOf(second.page, '[role=status]')).toContain('已发布');
    expect(await liveHash()).toBe(draft);
    await inspect(second.page, shot('zh-CN-rulesets-published'));

    // Every service process swaps within its poll; a new quote carries the new hash.
    const quoted = await waitForQuoteHash(draft);
    expect(quoted).toBe(draft);

    await second.page.type('#rollback-note', '回滚演练');
    await second.page.click('form[action="/rulesets/rollback"] input[name=confirm]');
    await submit(second.page, 'form[action="/rulesets/rollback"] button');
    expect(await textOf(second.page, '[role=status]')).toContain('已回滚');
    expect(await liveHash()).toBe(original);
    expect(await waitForQuoteHash(original)).toBe(original);
    const history = await textOf(second.page, 'main');
    expect(history).toContain('回滚演练');
    expect(history).toContain('复核通过');
  });

  everyFlow(
    'shows finance the rule sets without buttons, and refuses an account manager',
    async () => {
      const live = await liveHash();
      const fd = await as('fd', 'en');
      expect(await go(fd.page, '/rulesets')).toBe(200);
      expect(await fd.page.$('form[action="/rulesets/rollback"]')).toBeNull();
      await inspect(fd.page, shot('en-rulesets'));
      expect(await go(fd.page, `/rulesets/${live}`)).toBe(200);
      expect(await fd.page.$('a[href*="/edit/"]')).toBeNull();
      expect(await textOf(fd.page)).toContain('Rules');
      await inspect(fd.page, shot('en-ruleset'));

      const am = await as('am1', 'en');
      expect(await am.page.$('a[href="/rulesets"]')).toBeNull();
      for (const path of [
        '/rulesets',
        `/rulesets/${live}`,
        `/rulesets/${live}/edit/tiers.rules.json`,
      ])
        expect({ path, status: await go(am.page, path) }).toEqual({ path, status: 403 });
      await inspect(am.page, shot('en-rulesets-refused'));
    },
  );

  everyFlow('shows the pages in English', async () => {
    const live = await liveHash();
    const pm = await as('pm', 'en');
    await go(pm.page, `/rulesets/${live}/edit/tiers.rules.json`);
    await inspect(pm.page, shot('en-ruleset-editor'));
    const sets = await service.store.listRuleSets();
    const other = sets.find((set) => !set.live);
    if (other) {
      await go(pm.page, `/rulesets/${other.hash}`);
      expect(await textOf(pm.page)).toContain('What changes against the live rule set');
      await inspect(pm.page, shot('en-ruleset-draft'));
    }
  });
});

/** A new quote's ruleSetHash once the service's live set is `hash` (it polls every 50 ms). */
async function waitForQuoteHash(hash: string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const preview = await service.call('POST', '/api/quotes/preview', {
      as: 'am1',
      body: REQUESTS.ENT0001(),
    });
    const seen = preview.body.quote?.ruleSetHash as string | undefined;
    if (seen === hash || Date.now() > deadline) {
      const created = await createQuote(service, 'am1', REQUESTS.ENT0001());
      return created.ruleSetHash;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
