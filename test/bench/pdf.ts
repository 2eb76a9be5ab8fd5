/**
 * npm run bench:pdf — proposals per second through the renderer pool against bare puppeteer, in
 * one run, and the memory the pool's process tree gains over 500 renders.
 *
 * pool:     ProposalInput → handlebars → a pooled page (JavaScript off, requests blocked, offline)
 *           → setContent + pdf, with the queue, deadlines and page recycling of ProposalRenderer.
 * baseline: the same HTML, header and footer (rendered once, up front) printed by bare puppeteer on
 *           the same browser binary with the same launch flags and the same number of long-lived
 *           pages: setContent + pdf, nothing else.
 * Both are driven by as many closed-loop callers as there are pages, alternating in rounds so that
 * machine noise hits both alike; the figure per side is the median round. Chromium's CPU time per
 * proposal (summed over the browser's process tree from /proc) is printed too: other load on this
 * shared machine inflates it less than wall time.
 * Both sides are warmed by 50 renders per page first (a fresh renderer process grows to its working
 * size, about 200 MB, over its first ~40 renders).
 * Memory, last, with only the pool's browser alive: resident set (VmRSS) summed over node and every
 * Chromium process under it, after a garbage collection, before and after BENCH_RSS_RENDERS renders.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import puppeteer, { type Page } from 'puppeteer';
import {
  CHROMIUM_ARGS,
  chromiumEnv,
  PROPOSAL_LANGUAGES,
  ProposalRenderer,
  proposalPdfOptions,
  proposalPrintJob,
  type ProposalInput,
  type ProposalPrintJob,
  type ProposalRenderOptions,
} from '../../src/proposals';
import { exampleInput, EXAMPLE_IDS } from '../proposals/support';

const PAGES = Number(process.env.BENCH_PAGES ?? 2);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 60);
const RSS_RENDERS = Number(process.env.BENCH_RSS_RENDERS ?? 500);
/** Also time bare puppeteer with the briefing's plain launch flags, to show what the pool's flags buy. */
const PLAIN_FLAGS = process.env.BENCH_PLAIN_FLAGS === '1';
const BRIEFING_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A fresh renderer process grows to its working size over its first ~40 renders; warm past that. */
const WARM_UP = 50 * PAGES;

interface Work {
  input: ProposalInput;
  options: ProposalRenderOptions;
  job: ProposalPrintJob;
}

interface Round {
  rate: number;
  cpuMsPerProposal: number;
  nodeCpuMsPerProposal: number;
  latencies: number[];
}

const median = (values: number[]) => percentile(values, 0.5);
function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? 0;
}

/** Every process under `root` (and root itself), from /proc. */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const siblings = children.get(parent) ?? [];
      siblings.push(Number(entry));
      children.set(parent, siblings);
    } catch {
      // The process ended while we looked.
    }
  }
  const tree: number[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const pid = pending.pop() as number;
    tree.push(pid);
    pending.push(...(children.get(pid) ?? []));
  }
  return tree;
}

function treeCpuMs(root: number): number {
  let ticks = 0;
  for (const pid of processTree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone.
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

function treeRssMb(root: number): number {
  let kb = 0;
  for (const pid of processTree(root)) {
    try {
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // Gone.
    }
  }
  return kb / 1024;
}

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** `callers` closed loops sharing `count` renders; latencies of each. */
async function drive(
  count: number,
  callers: number,
  render: (index: number) => Promise<unknown>,
): Promise<number[]> {
  const latencies: number[] = [];
  let next = 0;
  const caller = async () => {
    while (next < count) {
      const index = next;
      next += 1;
      const started = performance.now();
      await render(index);
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  return latencies;
}

async function round(
  count: number,
  cpuRoot: number,
  render: (index: number) => Promise<unknown>,
): Promise<Round> {
  const cpuBefore = treeCpuMs(cpuRoot);
  const nodeBefore = process.cpuUsage();
  const started = performance.now();
  const latencies = await drive(count, PAGES, render);
  const seconds = (performance.now() - started) / 1000;
  const node = process.cpuUsage(nodeBefore);
  return {
    rate: count / seconds,
    cpuMsPerProposal: (treeCpuMs(cpuRoot) - cpuBefore) / count,
    nodeCpuMsPerProposal: (node.user + node.system) / 1000 / count,
    latencies,
  };
}

async function main(): Promise<void> {
  const inputs = await Promise.all(EXAMPLE_IDS.map((id) => exampleInput(id)));
  const work: Work[] = inputs.flatMap((input) =>
    PROPOSAL_LANGUAGES.map((lang) => {
      const options: ProposalRenderOptions = { lang, document: 'proposal' };
      return { input, options, job: proposalPrintJob(input, options) };
    }),
  );
  const pick = (index: number) => work[index % work.length] as Work;
  // Both sides start from the same state: a fresh browser warmed by the same number of renders.
  const pool = new ProposalRenderer({ pages: PAGES, maxQueue: PAGES * 4 });
  const executablePath = pool.executablePath;
  const renderThroughPool = (index: number) => pool.render(pick(index).input, pick(index).options);
  await drive(WARM_UP, PAGES, renderThroughPool);

  // The baseline: bare puppeteer, same binary and flags, the same number of long-lived pages.
  const bareBrowser = async (args: string[]) => {
    const browser = await puppeteer.launch({
      executablePath,
      headless: 'shell',
      pipe: true,
      args,
      env: chromiumEnv(),
    });
    const idlePages: Page[] = await Promise.all(
      Array.from({ length: PAGES }, () => browser.newPage()),
    );
    const render = async (index: number) => {
      const page = idlePages.pop() as Page;
      try {
        const { job } = pick(index);
        await page.setContent(job.html);
        return await page.pdf(proposalPdfOptions(job));
      } finally {
        idlePages.push(page);
      }
    };
    await drive(WARM_UP, PAGES, render);
    return { browser, render };
  };
  const { browser, render: renderBare } = await bareBrowser(CHROMIUM_ARGS);
  const plain = PLAIN_FLAGS ? await bareBrowser(BRIEFING_ARGS) : undefined;
  const plainRounds: Round[] = [];

  const poolPid = pool.browserPid() as number;
  const bareBrowserPid = browser.process()?.pid as number;
  const poolRounds: Round[] = [];
  const bareRounds: Round[] = [];
  for (let index = 0; index < ROUNDS; index += 1) {
    // Alternate which side goes first, so that neither always runs on a warmer machine.
    const sides = index % 2 === 0 ? ['pool', 'bare'] : ['bare', 'pool'];
    for (const side of sides) {
      if (side === 'pool') poolRounds.push(await round(PER_ROUND, poolPid, renderThroughPool));
      else bareRounds.push(await round(PER_ROUND, bareBrowserPid, renderBare));
    }
    if (plain)
      plainRounds.push(
        await round(PER_ROUND, plain.browser.process()?.pid as number, plain.render),
      );
    const last = (rounds: Round[]) => rounds[rounds.length - 1] as Round;
    console.log(
      `round ${index + 1}: pool ${last(poolRounds).rate.toFixed(1)}/s (${last(poolRounds).cpuMsPerProposal.toFixed(0)} ms chromium cpu each), ` +
        `baseline ${last(bareRounds).rate.toFixed(1)}/s (${last(bareRounds).cpuMsPerProposal.toFixed(0)} ms)`,
    );
  }
  await browser.close();
  await plain?.browser.close();

  // Memory last, with only the pool's browser alive (long past its warm-up by now).
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const rssBefore = treeRssMb(process.pid);
  const rssLatencies = await drive(RSS_RENDERS, PAGES, renderThroughPool);
  collectGarbage();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const rssAfter = treeRssMb(process.pid);
  console.log(
    `memory: ${rssBefore.toFixed(1)} MB before, ${rssAfter.toFixed(1)} MB after ${RSS_RENDERS} renders ` +
      `(node + ${processTree(process.pid).length - 1} processes; p50 ${median(rssLatencies).toFixed(0)} ms meanwhile)`,
  );
  await pool.close();

  const poolRate = median(poolRounds.map((entry) => entry.rate));
  const bareRate = median(bareRounds.map((entry) => entry.rate));
  const poolLatencies = poolRounds.flatMap((entry) => entry.latencies);
  const bareLatencies = bareRounds.flatMap((entry) => entry.latencies);
  const poolCpu = median(poolRounds.map((entry) => entry.cpuMsPerProposal));
  const bareCpu = median(bareRounds.map((entry) => entry.cpuMsPerProposal));
  console.log(
    `pages ${PAGES}, ${ROUNDS} rounds of ${PER_ROUND} proposals per side (${work.length} documents: ` +
      `${EXAMPLE_IDS.join(', ')} × ${PROPOSAL_LANGUAGES.join(', ')})`,
  );
  console.log(
    `pool:     ${poolRate.toFixed(1)}/s, p50 ${median(poolLatencies).toFixed(0)} ms, p90 ${percentile(poolLatencies, 0.9).toFixed(0)} ms, ` +
      `cpu per proposal: chromium ${poolCpu.toFixed(0)} ms + node ${median(poolRounds.map((entry) => entry.nodeCpuMsPerProposal)).toFixed(1)} ms`,
  );
  console.log(
    `baseline: ${bareRate.toFixed(1)}/s, p50 ${median(bareLatencies).toFixed(0)} ms, p90 ${percentile(bareLatencies, 0.9).toFixed(0)} ms, ` +
      `cpu per proposal: chromium ${bareCpu.toFixed(0)} ms + node ${median(bareRounds.map((entry) => entry.nodeCpuMsPerProposal)).toFixed(1)} ms`,
  );
  if (plain) {
    const plainLatencies = plainRounds.flatMap((entry) => entry.latencies);
    console.log(
      `baseline with the briefing's plain flags: ${median(plainRounds.map((entry) => entry.rate)).toFixed(1)}/s, ` +
        `p50 ${median(plainLatencies).toFixed(0)} ms, chromium cpu ${median(plainRounds.map((entry) => entry.cpuMsPerProposal)).toFixed(0)} ms per proposal`,
    );
  }
  const poolNodeCpu = median(poolRounds.map((entry) => entry.nodeCpuMsPerProposal));
  const bareNodeCpu = median(bareRounds.map((entry) => entry.nodeCpuMsPerProposal));
  console.log(
    `cpu ratio (baseline cpu per proposal / pool cpu per proposal, chromium + node): ` +
      `${((bareCpu + bareNodeCpu) / (poolCpu + poolNodeCpu)).toFixed(2)}`,
  );
  console.log(
    `bench:pdf: pool ${poolRate.toFixed(1)}/s p50 ${median(poolLatencies).toFixed(0)}ms p90 ${percentile(poolLatencies, 0.9).toFixed(0)}ms, ` +
      `baseline ${bareRate.toFixed(1)}/s, ratio ${(poolRate / bareRate).toFixed(2)}, rss growth ${(rssAfter - rssBefore).toFixed(1)} MB`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
