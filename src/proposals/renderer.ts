/**
 * Prints proposals to PDF with one headless Chromium and a few reusable pages.
 *
 * Sandboxing: every page runs with JavaScript disabled, aborts every request that is not a `data:`
 * URL and has its network emulated offline, so nothing a template or an enterprise name contains
 * can make the renderer fetch anything (file://, http(s)://, prefetches, …); the templates'
 * Content-Security-Policy says the same again, and handlebars escapes every name in the first place.
 * Resilience: a render has a deadline; a page that failed or timed out is closed and replaced;
 * when the browser disconnects (crashed, killed) the next render launches a new one. Load: at most
 * `pages` renders run at once and at most `maxQueue` wait; beyond that a render is refused at once
 * with AppError('unavailable'), which HTTP answers with 503.
 */
import { existsSync } from 'node:fs';
import puppeteer, { type Browser, type HTTPRequest, type Page, type PDFOptions } from 'puppeteer';
import { AppError, isAppError } from '../errors';
import { chromiumEnv } from './fonts';
import { proposalPrintJob, TEMPLATES_DIR, type ProposalPrintJob } from './html';
import type { ProposalInput, ProposalRenderOptions } from './input';

/**
 * Where Debian's chromium-headless-shell lives. The real binary comes first: /usr/bin's entry is a
 * `sh -e` wrapper that does not exec, so a signal to the launched process would reach the shell
 * and leave an orphaned browser that never reports a disconnect.
 */
export const CHROMIUM_CANDIDATES = [
  '/usr/lib/chromium/chromium-headless-shell',
  '/usr/bin/chromium-headless-shell',
];

/**
 * The briefing's flags for a root container, plus what a print-only browser can do without.
 * `--enable-begin-frame-control` leaves frame production to the DevTools client, which never asks
 * for one: no page is ever composited or rastered for a screen, and printing (a separate paint
 * into the PDF) does not need it. That is about a fifth of the CPU a proposal costs. (A screenshot
 * would wait for a frame for ever; this pool never takes one.)
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-extensions',
  '--disable-default-apps',
  '--mute-audio',
  '--dns-prefetch-disable',
  '--enable-begin-frame-control',
];

/** A4 with room for the running header and footer (page X of Y); backgrounds printed. */
export function proposalPdfOptions(
  job: Pick<ProposalPrintJob, 'headerTemplate' | 'footerTemplate'>,
): PDFOptions {
  return {
    format: 'A4',
    printBackground: true,
    displayHeaderFooter: true,
    headerTemplate: job.headerTemplate,
    footerTemplate: job.footerTemplate,
    margin: { top: '20mm', bottom: '17mm', left: '15mm', right: '15mm' },
    // The fonts are the machine's own, named with local() (resolved at once on Linux, checked by
    // the tests on a fresh browser); a page never loads a web font, so there is nothing to wait for.
    waitForFonts: false,
    // No structure tree: it costs some 5–10 % of a render; pdftotext and readers do without it.
    tagged: false,
  };
}

export interface ProposalRendererOptions {
  /** Chromium to run; PUPPETEER_EXECUTABLE_PATH, then Debian's chromium-headless-shell, by default. */
  executablePath?: string;
  /** Pages printing at once (and browser tabs kept open). Default 2: one per core here. */
  pages?: number;
  /** Renders that may wait for a page; one more is refused with AppError('unavailable'). Default 32. */
  maxQueue?: number;
  /** Deadline for one render once it has a page, in ms. Default 15 000. */
  renderTimeoutMs?: number;
  /** Deadline for launching Chromium, in ms. Default 30 000. */
  launchTimeoutMs?: number;
  /**
   * A page (and with it its renderer process) is replaced after this many renders, so that nothing
   * accumulates in one. Default 1000: a renderer reaches its working size (about 200 MB resident)
   * within some 40 renders and then creeps by about 2 MB per 100, measured here.
   */
  rendersPerPage?: number;
  templatesDir?: string;
}

export interface ProposalRendererStats {
  launches: number;
  pagesOpened: number;
  pagesDiscarded: number;
  renders: number;
  failures: number;
  timeouts: number;
  refused: number;
  busy: number;
  waiting: number;
}

interface PooledPage {
  page: Page;
  browser: Browser;
  renders: number;
  discarded: boolean;
}

interface Attempt {
  abandoned: boolean;
  pooled?: PooledPage;
}

/** What a caller may set per render: the deadline, for instance a request's remaining time. */
export interface RenderCallOptions {
  timeoutMs?: number;
}

export class ProposalRenderer {
  /** The Chromium this pool runs. */
  readonly executablePath: string;
  private readonly pageCount: number;
  private readonly maxQueue: number;
  private readonly renderTimeoutMs: number;
  private readonly launchTimeoutMs: number;
  private readonly rendersPerPage: number;
  private readonly templatesDir: string;

  private browser: Browser | undefined;
  private launching: Promise<Browser> | undefined;
  private idle: PooledPage[] = [];
  private busy = 0;
  private waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private closed = false;
  private readonly counters = {
    launches: 0,
    pagesOpened: 0,
    pagesDiscarded: 0,
    renders: 0,
    failures: 0,
    timeouts: 0,
    refused: 0,
  };

  constructor(options: ProposalRendererOptions = {}) {
    this.executablePath =
      options.executablePath ?? process.env.PUPPETEER_EXECUTABLE_PATH ?? defaultChromiumPath();
    this.pageCount = positiveInteger(options.pages ?? 2, 'pages');
    this.maxQueue = nonNegativeInteger(options.maxQueue ?? 32, 'maxQueue');
    this.renderTimeoutMs = positiveInteger(options.renderTimeoutMs ?? 15_000, 'renderTimeoutMs');
    this.launchTimeoutMs = positiveInteger(options.launchTimeoutMs ?? 30_000, 'launchTimeoutMs');
    this.rendersPerPage = positiveInteger(options.rendersPerPage ?? 1000, 'rendersPerPage');
    this.templatesDir = options.templatesDir ?? TEMPLATES_DIR;
  }

  /** The proposal (or deal sheet) as a PDF. Rejects with AppError('unavailable') when busy, timed out or broken. */
  async render(
    input: ProposalInput,
    options: ProposalRenderOptions & RenderCallOptions,
  ): Promise<Buffer> {
    return this.print(proposalPrintJob(input, options, this.templatesDir), options);
  }

  /** Prints a prepared job (HTML plus header and footer) through the pool. */
  async print(job: ProposalPrintJob, options: RenderCallOptions = {}): Promise<Buffer> {
    await this.acquirePage();
    try {
      return await this.printWithDeadline(job, options.timeoutMs ?? this.renderTimeoutMs);
    } finally {
      this.releasePage();
    }
  }

  stats(): ProposalRendererStats {
    return { ...this.counters, busy: this.busy, waiting: this.waiting.length };
  }

  /** The browser's process id while one runs (for health checks and for measuring its memory). */
  browserPid(): number | undefined {
    return this.browser?.connected ? this.browser.process()?.pid : undefined;
  }

  /** Refuses what waits, closes the browser. Renders in flight fail with AppError('unavailable'). */
  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0))
      waiter.reject(unavailable('the PDF renderer is shutting down'));
    const browser = this.browser ?? (await this.launching?.catch(() => undefined));
    this.browser = undefined;
    this.idle = [];
    if (!browser) return;
    const forced = setTimeout(() => browser.process()?.kill('SIGKILL'), 5_000);
    try {
      await browser.close();
    } catch {
      browser.process()?.kill('SIGKILL');
    } finally {
      clearTimeout(forced);
    }
  }

  private async acquirePage(): Promise<void> {
    if (this.closed) throw unavailable('the PDF renderer is shut down');
    if (this.busy < this.pageCount) {
      this.busy += 1;
      return;
    }
    if (this.waiting.length >= this.maxQueue) {
      this.counters.refused += 1;
      throw unavailable(
        `the PDF renderer is busy (${this.waiting.length} proposals waiting); try again shortly`,
        {
          retryAfterSeconds: 1,
        },
      );
    }
    // The releasing render hands its slot over, so `busy` stays as it is.
    await new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private releasePage(): void {
    const next = this.waiting.shift();
    if (next) next.resolve();
    else this.busy -= 1;
  }

  private async printWithDeadline(job: ProposalPrintJob, timeoutMs: number): Promise<Buffer> {
    const attempt: Attempt = { abandoned: false };
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        attempt.abandoned = true;
        reject(
          unavailable(`the PDF renderer did not finish within ${timeoutMs} ms`, { timeout: true }),
        );
      }, timeoutMs);
    });
    const work = this.printOnPage(job, attempt, timeoutMs);
    // After a timeout nobody awaits the work any more; its failure is expected and already handled.
    work.catch(() => undefined);
    try {
      const pdf = await Promise.race([work, deadline]);
      this.counters.renders += 1;
      return pdf;
    } catch (error) {
      if (attempt.abandoned) {
        this.counters.timeouts += 1;
        // The page may be stuck mid-print: close it; the next render gets a fresh one.
        if (attempt.pooled) this.discard(attempt.pooled);
      } else {
        this.counters.failures += 1;
      }
      if (isAppError(error)) throw error;
      // The next render launches a new browser if this one died.
      throw browserFailure(
        `the PDF renderer failed: ${(error as Error).message}`,
        'the PDF renderer failed; try again shortly',
        { retryAfterSeconds: 1 },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  private async printOnPage(
    job: ProposalPrintJob,
    attempt: Attempt,
    timeoutMs: number,
  ): Promise<Buffer> {
    const pooled = await this.takePage();
    attempt.pooled = pooled;
    try {
      if (attempt.abandoned) throw new Error('abandoned');
      await pooled.page.setContent(job.html, { waitUntil: 'load', timeout: timeoutMs });
      if (attempt.abandoned) throw new Error('abandoned');
      const pdf = await pooled.page.pdf({ ...proposalPdfOptions(job), timeout: timeoutMs });
      if (attempt.abandoned) throw new Error('abandoned');
      pooled.renders += 1;
      this.returnPage(pooled);
      return Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    } catch (error) {
      this.discard(pooled);
      throw error;
    }
  }

  private async takePage(): Promise<PooledPage> {
    const browser = await this.ensureBrowser();
    for (let pooled = this.idle.pop(); pooled; pooled = this.idle.pop()) {
      if (pooled.browser === browser && !pooled.discarded && !pooled.page.isClosed()) return pooled;
    }
    return this.openPage(browser);
  }

  private returnPage(pooled: PooledPage): void {
    const current =
      this.browser === pooled.browser && pooled.browser.connected && !pooled.page.isClosed();
    if (current && pooled.renders < this.rendersPerPage && !this.closed) this.idle.push(pooled);
    else this.discard(pooled);
  }

  private discard(pooled: PooledPage): void {
    this.idle = this.idle.filter((entry) => entry !== pooled);
    if (pooled.discarded) return;
    pooled.discarded = true;
    this.counters.pagesDiscarded += 1;
    pooled.page.close().catch(() => undefined);
  }

  private async openPage(browser: Browser): Promise<PooledPage> {
    const page = await browser.newPage();
    this.counters.pagesOpened += 1;
    try {
      await page.setJavaScriptEnabled(false);
      // Interception stops what the page requests (http:, https:, file:, …); some fetches, such as
      // <link rel=prefetch>, leave from the browser process and bypass it, so the network is off too.
      await page.setRequestInterception(true);
      page.on('request', blockAllButData);
      await page.setOfflineMode(true);
      return { page, browser, renders: 0, discarded: false };
    } catch (error) {
      page.close().catch(() => undefined);
      throw error;
    }
  }

  private async ensureBrowser(): Promise<Browser> {
    if (this.closed) throw unavailable('the PDF renderer is shut down');
    if (this.browser?.connected) return this.browser;
    this.launching ??= this.launch().finally(() => {
      this.launching = undefined;
    });
    return this.launching;
  }

  private async launch(): Promise<Browser> {
    let browser: Browser;
    try {
      browser = await puppeteer.launch({
        executablePath: this.executablePath,
        headless: 'shell',
        pipe: true,
        args: CHROMIUM_ARGS,
        env: chromiumEnv(),
        timeout: this.launchTimeoutMs,
        protocolTimeout: Math.max(this.renderTimeoutMs * 2, 30_000),
        // The owner (the HTTP server, the CLI) decides when to close; it calls close().
        handleSIGINT: false,
        handleSIGTERM: false,
        handleSIGHUP: false,
      });
    } catch (error) {
      throw browserFailure(
        `cannot start Chromium (${this.executablePath}): ${(error as Error).message}`,
        'the PDF renderer cannot start its browser',
      );
    }
    browser.on('disconnected', () => {
      if (this.browser !== browser) return;
      this.browser = undefined;
      this.idle = [];
    });
    if (this.closed) {
      await browser.close().catch(() => undefined);
      throw unavailable('the PDF renderer is shut down');
    }
    this.counters.launches += 1;
    this.browser = browser;
    return browser;
  }
}

/** Lets `data:` through and aborts everything else before it leaves the browser. */
function blockAllButData(request: HTTPRequest): void {
  if (request.isInterceptResolutionHandled()) return;
  const allowed = request.url().startsWith('data:');
  (allowed ? request.continue() : request.abort('blockedbyclient')).catch(() => undefined);
}

function unavailable(message: string, details: Record<string, unknown> = {}): AppError {
  return new AppError('unavailable', message, details);
}

/**
 * A failure of Chromium or puppeteer: the message says what they said (where the browser lives,
 * the protocol error), for the log and the command line; `clientMessage` is what an API client
 * is told instead (see `withoutInternals`).
 */
function browserFailure(
  message: string,
  clientMessage: string,
  details: Record<string, unknown> = {},
): AppError {
  return new AppError('unavailable', message, { ...details, clientMessage });
}

/**
 * A render's failure as an API client may see it: the renderer's own words for a busy pool, a
 * deadline or a shutdown; for a failure of the browser itself a plain sentence, with what
 * puppeteer said kept in `details.cause`, which the log shows and a response never does.
 */
export function withoutInternals(error: unknown): unknown {
  if (!isAppError(error) || typeof error.details.clientMessage !== 'string') return error;
  const { clientMessage, ...details } = error.details;
  return new AppError('unavailable', clientMessage, { ...details, cause: error.message });
}

function defaultChromiumPath(): string {
  return (
    CHROMIUM_CANDIDATES.find((path) => existsSync(path)) ??
    CHROMIUM_CANDIDATES[CHROMIUM_CANDIDATES.length - 1]!
  );
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new TypeError(`${name} must be a whole number ≥ 1, got ${value}`);
  return value;
}

function nonNegativeInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 0)
    throw new TypeError(`${name} must be a whole number ≥ 0, got ${value}`);
  return value;
}
