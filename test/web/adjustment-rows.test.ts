/**
 * The quote form's negotiated adjustments in real Chromium: rows are added and removed by htmx
 * (no page script: the CSP stays strict), server-rendered, every typed value kept in its row;
 * the live preview prices an adjustment typed in an added row, and prices again when its row is
 * removed. axe-core finds no serious or critical violation with the extra rows.
 */
import type { Browser, Page } from 'puppeteer';
import { REQUESTS, startTestService, type TestService } from '../http/support';
import { inspect, launchBrowser, openAs, type UserPage } from './browser';
import { flatForm } from './support';

jest.setTimeout(120_000);

let browser: Browser;
let service: TestService;
let user: UserPage | undefined;

beforeAll(async () => {
  [browser, service] = await Promise.all([launchBrowser(), startTestService()]);
});
afterAll(async () => {
  await user?.context.close();
  await browser?.close();
  await service?.close();
});

async function rowCount(page: Page): Promise<number> {
  return page.$$eval('#adjustments .grid.adjustment', (rows) => rows.length);
}

async function contractValue(page: Page): Promise<string> {
  return page.$eval('#preview .kpi-value', (element) => element.textContent ?? '');
}

/** Waits until the preview shows a contract value other than `before`. */
async function previewChangesFrom(page: Page, before: string): Promise<string> {
  await page.waitForFunction(
    (previous) => {
      const value = document.querySelector('#preview .kpi-value')?.textContent;
      return value !== undefined && value !== null && value !== previous;
    },
    { timeout: 15_000 },
    before,
  );
  return contractValue(page);
}

describe('adjustment rows on the quote form', () => {
  it('adds a row, prices what is typed in it, removes it and prices again', async () => {
    user = await openAs(browser, service, 'am1', 'zh-CN');
    const { page } = user;
    await page.goto(`${service.url}/quotes/new`);
    for (const [name, value] of Object.entries(flatForm(REQUESTS.ENT0001()))) {
      const selector = `[name="${name}"]`;
      const tag = await page.$eval(selector, (element) => element.tagName);
      if (tag === 'SELECT') await page.select(selector, value);
      else if (value === 'true') await page.click(selector);
      else await page.type(selector, value);
    }
    await page.waitForSelector('#preview .kpi-value', { timeout: 15_000 });
    const listPriced = await contractValue(page);
    expect(await rowCount(page)).toBe(3);

    await page.click('#adjustments button[value="add"]');
    await page.waitForFunction(
      () => document.querySelectorAll('#adjustments .grid.adjustment').length === 4,
    );
    await inspect(page, 'zh-CN-quote-new-rows');

    await page.select('[name="adjustments.3.target"]', 'item:LINE_FEE');
    await page.type('[name="adjustments.3.percent"]', '10');
    await page.type('[name="adjustments.3.reason"]', '竞品报价');
    const adjusted = await previewChangesFrom(page, listPriced);
    expect(adjusted).not.toBe(listPriced);

    // Remove the second row: the fourth moves up to third, and keeps what was typed in it.
    await page.click('#adjustments button[value="remove:1"]');
    await page.waitForFunction(
      () => document.querySelectorAll('#adjustments .grid.adjustment').length === 3,
    );
    expect(
      await page.$eval(
        '[name="adjustments.2.percent"]',
        (input) => (input as HTMLInputElement).value,
      ),
    ).toBe('10');

    // Remove the adjusted row: the preview prices again, back to the tariff's figure.
    await page.click('#adjustments button[value="remove:2"]');
    expect(await previewChangesFrom(page, adjusted)).toBe(listPriced);
    expect(await rowCount(page)).toBe(2);
    expect(user.problems).toEqual([]);
  });
});
