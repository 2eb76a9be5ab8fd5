/**
 * What every answer says about how it may be used (security headers, no-store on anything an
 * authenticated caller sees), failed authentication throttled per address, and a PDF renderer
 * failure reported without the renderer's internals.
 */
import { createHash } from 'node:crypto';
import puppeteer from 'puppeteer';
import { AppError } from '../../src/errors';
import { FAILED_AUTHENTICATION_LIMIT } from '../../src/http/throttle';
import {
  CHROMIUM_CANDIDATES,
  ProposalRenderer,
  withoutInternals,
} from '../../src/proposals/renderer';
import { existsSync } from 'node:fs';
import { REQUESTS, createQuote, startTestService, type TestService } from './support';

jest.setTimeout(60_000);

/** Answers a client must never see: a stack, a source path, what puppeteer or Chromium said. */
const INTERNALS = /\n\s+at |\.ts:\d+|node_modules|puppeteer|Protocol error|Target closed|chromium/i;

describe('headers', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.close());

  const answers = () =>
    Promise.all([
      service.call('GET', '/api/health'),
      service.call('GET', '/api/openapi.json'),
      service.call('GET', '/api/docs'),
      service.call('GET', '/api/quotes', { as: 'am1' }),
      service.call('GET', '/api/quotes'),
      service.call('GET', '/api/quotes/Q-2026-999999', { as: 'am1' }),
      service.call('GET', '/api/audit', { as: 'am1' }),
      service.call('POST', '/api/quotes/preview', { as: 'am1', raw: '{' }),
      service.call('GET', '/nowhere'),
    ]);

  it('every answer carries the security headers and no X-Powered-By', async () => {
    for (const response of await answers()) {
      const headers = Object.fromEntries(response.headers);
      expect(headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'strict-transport-security': 'max-age=31536000',
      });
      expect(headers['content-security-policy']).toMatch(/^default-src 'none';/);
      expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(headers['x-powered-by']).toBeUndefined();
    }
  });

  it('every answer to an authenticated route is no-store, its errors included', async () => {
    const [, , , list, unauthenticated, missing, forbidden, invalid] = await answers();
    for (const response of [list!, unauthenticated!, missing!, forbidden!, invalid!]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0001());
    for (const response of [
      await service.call('GET', `/api/quotes/${number}`, { as: 'fd' }),
      await service.call('POST', `/api/quotes/${number}/submit`, { as: 'am1' }),
      await service.call('GET', `/api/quotes/${number}/replay`, { as: 'fd' }),
      await service.call('GET', '/api/audit/verify', { as: 'auditor' }),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('the docs page allows its own style sheet, by hash, and nothing else', async () => {
    const docs = await service.call('GET', '/api/docs');
    const style = /<style>([\s\S]*?)<\/style>/.exec(docs.text)![1]!;
    const hash = createHash('sha256').update(style).digest('base64');
    expect(docs.headers.get('content-security-policy')).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    expect(docs.text).not.toMatch(/<script|style="|on\w+=/i);
  });

  it('the docs page is styled in a real browser under its policy', async () => {
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM_CANDIDATES.find((path) => existsSync(path)),
      headless: 'shell',
      args: ['--no-sandbox'],
    });
    try {
      const page = await browser.newPage();
      const violations: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      const response = await page.goto(`${service.url}/api/docs`);
      expect(response?.status()).toBe(200);
      // The style sheet's `max-width: 72rem` holds only if the policy let it apply.
      expect(await page.evaluate(() => getComputedStyle(document.body).maxWidth)).toBe('1152px');
      expect(violations).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});

describe('failed authentication, throttled per address', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
  });
  afterAll(() => service.close());

  it('counts only unknown tokens; past the limit answers 429 with Retry-After, yet a good token passes', async () => {
    // Successes never count: many of them leave the whole allowance of failures.
    for (let request = 0; request < FAILED_AUTHENTICATION_LIMIT * 2; request += 1) {
      expect((await service.call('GET', '/api/quotes?limit=1', { as: 'am1' })).status).toBe(200);
    }
    for (let attempt = 1; attempt <= FAILED_AUTHENTICATION_LIMIT; attempt += 1) {
      const response = await service.call('GET', '/api/quotes', {
        as: { token: `guess-${attempt}` },
      });
      expect({ attempt, status: response.status }).toEqual({ attempt, status: 401 });
      expect(response.headers.get('ratelimit')).toMatch(
        new RegExp(`remaining=${FAILED_AUTHENTICATION_LIMIT - attempt}\\b`),
      );
      // No token at all is not a guess: 401, uncounted.
      const anonymous = await service.call('GET', '/api/quotes');
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('ratelimit')).toBeNull();
    }

    const refused = await service.call('GET', '/api/quotes', { as: { token: 'one-more' } });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.body).toMatchObject({
      error: { kind: 'rate-limited', message: expect.stringContaining(`${retryAfter} seconds`) },
    });
    expect(
      (await service.call('POST', '/api/quotes/preview', { as: { token: 'another' } })).status,
    ).toBe(429);
    expect((await service.call('GET', '/api/quotes')).status).toBe(401);

    // The same address with a good token, known or never seen before, is not held up.
    expect((await service.call('GET', '/api/quotes', { as: 'am1' })).status).toBe(200);
    expect((await service.call('GET', '/api/audit', { as: 'auditor' })).status).toBe(200);
    // Public routes are not behind authentication at all.
    expect((await service.call('GET', '/api/health')).status).toBe(200);
  });
});

describe('a PDF renderer failure', () => {
  it('keeps what puppeteer said for the log', () => {
    const failure = new AppError('unavailable', 'the PDF renderer failed: Protocol error', {
      clientMessage: 'the PDF renderer failed; try again shortly',
      retryAfterSeconds: 1,
    });
    const shown = withoutInternals(failure) as AppError;
    expect(shown.message).toBe('the PDF renderer failed; try again shortly');
    expect(shown.details).toEqual({
      retryAfterSeconds: 1,
      cause: 'the PDF renderer failed: Protocol error',
    });
    const busy = new AppError('unavailable', 'the PDF renderer is busy', { retryAfterSeconds: 1 });
    expect(withoutInternals(busy)).toBe(busy);
  });

  it('a browser that cannot start is a 503 that names neither the binary nor the error', async () => {
    const renderer = new ProposalRenderer({ executablePath: '/nonexistent/chromium' });
    const service = await startTestService({ renderer });
    try {
      const { number } = await createQuote(service, 'am1', REQUESTS.ENT0002());
      const response = await service.call('GET', `/api/quotes/${number}/proposal.pdf`, {
        as: 'am1',
      });
      expect(response.status).toBe(503);
      expect(response.body).toMatchObject({
        error: { kind: 'unavailable', message: 'the PDF renderer cannot start its browser' },
      });
      expect(response.text).not.toMatch(INTERNALS);
      expect(response.text).not.toContain('/nonexistent');
    } finally {
      await service.close();
      await renderer.close();
    }
  });

  it('a browser killed mid-render is a 503 with Retry-After and without puppeteer’s words', async () => {
    const renderer = new ProposalRenderer({ pages: 1 });
    const service = await startTestService({ renderer });
    try {
      const { number } = await createQuote(service, 'am1', REQUESTS.ENT0003());
      const path = `/api/quotes/${number}/deal-sheet.pdf`;
      const printed = await service.call('GET', path, { as: 'fd' });
      expect(printed.status).toBe(200);
      // A PDF is shown by the browser's own viewer: no HTML policy on it, the other headers kept.
      expect(printed.headers.get('content-security-policy')).toBeNull();
      expect(printed.headers.get('x-content-type-options')).toBe('nosniff');

      // Kill the browser while a render holds the page; a kill that lands before the render
      // reaches the browser lets it relaunch and print, so try a few times.
      let failed: Awaited<ReturnType<TestService['call']>> | undefined;
      for (let attempt = 0; attempt < 5 && !failed; attempt += 1) {
        const pid =
          renderer.browserPid() ??
          (await service.call('GET', path, { as: 'fd' }), renderer.browserPid());
        const answer = service.call('GET', path, { as: 'fd' });
        for (let wait = 0; wait < 100 && renderer.stats().busy === 0; wait += 1) {
          await new Promise((tick) => setTimeout(tick, 2));
        }
        await new Promise((tick) => setTimeout(tick, 20));
        process.kill(pid!, 'SIGKILL');
        const response = await answer;
        if (response.status === 503) failed = response;
        else expect(response.status).toBe(200);
      }
      expect(failed).toBeDefined();
      expect(failed!.headers.get('retry-after')).toBe('1');
      expect(failed!.body).toMatchObject({
        error: { kind: 'unavailable', message: 'the PDF renderer failed; try again shortly' },
      });
      expect(failed!.text).not.toMatch(INTERNALS);
    } finally {
      await service.close();
      await renderer.close();
    }
  });
});
