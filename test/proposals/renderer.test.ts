/** The renderer pool when things go wrong: a killed browser, a stuck page, too much work, shutdown. */
import { AppError } from '../../src/errors';
import { ProposalRenderer, type ProposalInput } from '../../src/proposals';
import { exampleInput, pdfText } from './support';
import { isAlive } from '../support/processes';

jest.setTimeout(60_000);

let small: ProposalInput;
let large: ProposalInput;
beforeAll(async () => {
  small = await exampleInput('ENT-0002');
  large = await exampleInput('ENT-0003');
});

const renderers: ProposalRenderer[] = [];
function pool(options: ConstructorParameters<typeof ProposalRenderer>[0]): ProposalRenderer {
  const renderer = new ProposalRenderer(options);
  renderers.push(renderer);
  return renderer;
}
afterAll(async () => {
  await Promise.all(renderers.map((renderer) => renderer.close()));
});

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('fails a render cleanly when the browser is killed mid-render, and the next render relaunches it', async () => {
  const renderer = pool({ pages: 1 });
  await renderer.render(small, { lang: 'zh-CN', document: 'proposal' });
  const pid = renderer.browserPid();
  expect(pid).toBeDefined();

  const inFlight = renderer.render(large, { lang: 'zh-CN', document: 'deal-sheet' });
  await delay(40);
  expect(renderer.stats().busy).toBe(1);
  process.kill(pid as number, 'SIGKILL');
  await expect(inFlight).rejects.toMatchObject({ name: 'AppError', kind: 'unavailable' });

  const pdf = await renderer.render(small, { lang: 'en', document: 'proposal' });
  expect(pdfText(pdf)).toContain(small.number);
  expect(renderer.stats()).toMatchObject({ launches: 2, failures: 1, busy: 0, waiting: 0 });
  expect(renderer.browserPid()).not.toBe(pid);
  await delay(200);
  expect(isAlive(pid as number)).toBe(false);
});

it('replaces a page whose render timed out', async () => {
  const renderer = pool({ pages: 1 });
  await renderer.render(small, { lang: 'zh-CN', document: 'proposal' });
  expect(renderer.stats()).toMatchObject({ pagesOpened: 1, pagesDiscarded: 0 });

  const timedOut = renderer.render(large, { lang: 'zh-CN', document: 'deal-sheet', timeoutMs: 5 });
  await expect(timedOut).rejects.toMatchObject({ kind: 'unavailable', details: { timeout: true } });
  expect(renderer.stats()).toMatchObject({ timeouts: 1, pagesDiscarded: 1 });

  const pdf = await renderer.render(small, { lang: 'en', document: 'proposal' });
  expect(pdfText(pdf)).toContain(small.request.enterprise.name);
  expect(renderer.stats()).toMatchObject({ pagesOpened: 2, launches: 1, busy: 0 });
});

it('refuses a render at once with AppError unavailable when the queue is full', async () => {
  const renderer = pool({ pages: 1, maxQueue: 2 });
  const attempts = [small, small, small, small].map((input, index) =>
    renderer.render(
      { ...input, number: `Q-2026-00009${index}` },
      { lang: 'zh-CN', document: 'proposal' },
    ),
  );
  const outcomes = await Promise.allSettled(attempts);
  expect(outcomes.map((outcome) => outcome.status)).toEqual([
    'fulfilled',
    'fulfilled',
    'fulfilled',
    'rejected',
  ]);
  const refusal = (outcomes[3] as PromiseRejectedResult).reason;
  expect(refusal).toBeInstanceOf(AppError);
  expect(refusal).toMatchObject({ kind: 'unavailable' });
  expect(renderer.stats()).toMatchObject({ refused: 1, renders: 3, busy: 0, waiting: 0 });
});

it('opens a fresh page after rendersPerPage renders', async () => {
  const renderer = pool({ pages: 1, rendersPerPage: 2 });
  for (let index = 0; index < 5; index += 1)
    await renderer.render(small, { lang: 'en', document: 'proposal' });
  expect(renderer.stats()).toMatchObject({ renders: 5, pagesOpened: 3 });
});

it('refuses what waits and what comes after close()', async () => {
  const renderer = pool({ pages: 1, maxQueue: 4 });
  const first = renderer.render(small, { lang: 'zh-CN', document: 'proposal' });
  const waiting = renderer.render(small, { lang: 'zh-CN', document: 'proposal' });
  const outcomes = Promise.allSettled([first, waiting]);
  await delay(10);
  await renderer.close();
  for (const outcome of await outcomes) {
    expect(outcome).toMatchObject({ status: 'rejected', reason: { kind: 'unavailable' } });
  }
  await expect(renderer.render(small, { lang: 'en', document: 'proposal' })).rejects.toMatchObject({
    kind: 'unavailable',
  });
});

it('says which browser it could not start', async () => {
  const renderer = pool({ executablePath: '/nonexistent/chromium' });
  await expect(renderer.render(small, { lang: 'en', document: 'proposal' })).rejects.toMatchObject({
    kind: 'unavailable',
    message: expect.stringContaining('/nonexistent/chromium'),
  });
});
