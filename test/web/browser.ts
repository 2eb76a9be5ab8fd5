/**
 * Real Chromium for the web workspace's tests, with JavaScript on: Debian's
 * chromium-headless-shell, launched as the PDF renderer launches it but able to draw frames
 * (the renderer's --enable-begin-frame-control would stall every timer and screenshot of a page).
 * One browser per suite; each user signs in in a context of their own, as in their own browser.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer';
import { CHROMIUM_ARGS, CHROMIUM_CANDIDATES } from '../../src/proposals/renderer';
import type { TestService, UserKey } from '../http/support';

export async function launchBrowser(): Promise<Browser> {
  const executablePath =
    process.env.PUPPETEER_EXECUTABLE_PATH ?? CHROMIUM_CANDIDATES.find((path) => existsSync(path));
  if (!executablePath) throw new Error('no chromium-headless-shell: run bash .ci/setup-system');
  return puppeteer.launch({
    executablePath,
    headless: 'shell',
    pipe: true,
    args: CHROMIUM_ARGS.filter((arg) => arg !== '--enable-begin-frame-control'),
  });
}

/** A page of a user's own browser context, recording every CSP violation and script error. */
export interface UserPage {
  context: BrowserContext;
  page: Page;
  /** Console errors and uncaught exceptions: a page of the workspace should have none. */
  problems: string[];
}

export async function openAs(
  browser: Browser,
  service: TestService,
  who: UserKey | undefined,
  lang: 'zh-CN' | 'en' = 'zh-CN',
): Promise<UserPage> {
  const context = await browser.createBrowserContext();
  const page = await context.newPage();
  await page.setViewport({ width: 1366, height: 900 });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    // A refused page (403) or a refused form logs its status; that is what those tests want.
    if (/status of (401|403|404|409)/.test(text)) return;
    problems.push(text);
  });
  page.on('pageerror', (error) => problems.push(String(error)));
  await page.goto(`${service.url}/language/${lang}?next=/sign-in`);
  if (who) {
    await page.type('#token', service.users[who].token);
    await Promise.all([page.waitForNavigation(), page.click('form[action="/sign-in"] button')]);
  }
  return { context, page, problems };
}

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: string[];
}

/**
 * axe-core's serious and critical violations on the page as it stands. axe is evaluated through
 * DevTools, not as a page script, so the page's CSP stays as strict as users get it.
 */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      globalThis as unknown as {
        axe: {
          run(): Promise<{
            violations: {
              id: string;
              impact: string | null;
              help: string;
              nodes: { target: unknown[] }[];
            }[];
          }>;
        };
      }
    ).axe;
    const result = await axe.run();
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => JSON.stringify(node.target)),
    }));
  });
  return violations.filter(
    (violation) => violation.impact === 'serious' || violation.impact === 'critical',
  );
}

/** What fetch gets for a link of the page, as the browser would open it (its cookies sent). */
export async function fetchFromPage(
  page: Page,
  href: string,
): Promise<{ status: number; type: string; disposition: string; head: string; text: string }> {
  return page.evaluate(async (url) => {
    const response = await fetch(url, { credentials: 'same-origin' });
    const bytes = new Uint8Array(await response.arrayBuffer());
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      disposition: response.headers.get('content-disposition') ?? '',
      head: String.fromCharCode(...bytes.slice(0, 5)),
      text: new TextDecoder().decode(bytes.slice(0, 20_000)),
    };
  }, href);
}

/** Checks the page with axe and, when asked, saves it as a PNG. */
export async function inspect(page: Page, name: string): Promise<void> {
  expect({ page: name, violations: await seriousViolations(page) }).toEqual({
    page: name,
    violations: [],
  });
  const screenshots = process.env.WEB_SCREENSHOTS;
  if (screenshots) {
    mkdirSync(screenshots, { recursive: true });
    if (process.env.WEB_SCREENSHOTS_VIEWPORT === '1')
      await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({
      path: join(screenshots, `${name}.png`),
      // The README's pictures are what a screen shows; a review wants the whole page.
      fullPage: process.env.WEB_SCREENSHOTS_VIEWPORT !== '1',
    });
  }
}
