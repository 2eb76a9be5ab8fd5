/**
 * `quote rulesets impact HASH [--against live|HASH] [--requests FILE.jsonl] [--out FILE.csv]`:
 * re-prices the portfolio (each enterprise's latest stored request, or the requests in a JSONL
 * file) under a stored rule set and the live one (or another), and prints what changes. A
 * progress bar runs on standard error when it is a terminal. The database is the service's.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { z } from 'zod';
import { STANDINGS, type ImpactSummary } from '../impact/compare';
import { writeImpactCsv } from '../impact/csv';
import { jsonlPortfolio } from '../impact/portfolio';
import { ImpactService, LIVE } from '../impact/service';
import { impactSettingsFromEnv } from '../impact/settings';
import type { ImpactAnalysis, Progress } from '../impact/runner';
import { authorize } from '../quotes/policy';
import { storeOptionsFromEnv } from '../store/open';
import { hashArgument, RULESETS_HELP, withRuleSetStore } from './rulesets';
import { EXIT_OK, usageError, type CliRun } from './usage';

interface ImpactOptions {
  against: string;
  requests?: string;
  out?: string;
  date?: string;
  lang: string;
  json?: boolean;
}

/** Adds `impact` to the `rulesets` group (rulesets.ts). */
export function addRulesetsImpactCommand(rulesets: Command, run: CliRun): void {
  rulesets
    .command('impact')
    .description(
      'price the portfolio under a stored rule set and another (the live one by default) and show what changes per enterprise',
    )
    .argument('<hash>', 'the stored rule set to analyse', hashArgument)
    .option('--against <set>', 'live, or the hash of a stored rule set', hashArgument, LIVE)
    .option(
      '--requests <file.jsonl>',
      'price these requests (one JSON object a line) instead of each enterprise’s latest stored quote',
    )
    .option('--out <file.csv>', 'write every enterprise’s row as CSV (Excel-safe)')
    .option('--date <YYYY-MM-DD>', 'the day both sets price on (default: today in China)')
    .option('--lang <lang>', 'CSV headers: zh-CN or en', 'zh-CN')
    .option('--json', 'print the summary as JSON')
    .addHelpText(
      'after',
      `${RULESETS_HELP}
IMPACT_THREADS: worker threads (default one per CPU); on PostgreSQL chunks go to the job queue,
which this command works too and every \`npm run worker\` helps with.`,
    )
    .action(
      run.action(async (given: string, options: ImpactOptions, command: Command) => {
        const problems: string[] = [];
        if (options.date !== undefined && !z.iso.date().safeParse(options.date).success)
          problems.push('--date: must be a date YYYY-MM-DD');
        if (options.lang !== 'zh-CN' && options.lang !== 'en')
          problems.push('--lang: must be zh-CN or en');
        if (problems.length > 0) usageError(command, problems.join('\n       '));
        const portfolio =
          options.requests === undefined
            ? undefined
            : jsonlPortfolio(readFileSync(options.requests, 'utf8'));
        return withRuleSetStore(async ({ store, actor, resolveHash }) => {
          authorize(actor, 'impact.run');
          const impact = new ImpactService({
            store,
            clock: () => new Date(),
            settings: { ...impactSettingsFromEnv(storeOptionsFromEnv()), workLocally: true },
            onQueueError: (error) => run.io.err(`impact queue: ${error.message}`),
          });
          try {
            const analysis = await impact.analyse({
              after: await resolveHash(given),
              against: await resolveHash(options.against),
              ...(options.date ? { quoteDate: options.date } : {}),
              ...(portfolio ? { portfolio } : {}),
              ...(options.out ? { rows: true } : {}),
              ...(run.io.progress ? { onProgress: progressBar(run.io.progress) } : {}),
            });
            run.io.progress?.('');
            if (options.out) {
              await writeImpactCsv(
                analysis.rows ?? [],
                analysis.summary,
                options.lang as 'zh-CN' | 'en',
                createWriteStream(options.out),
              );
            }
            if (options.json) run.io.out(JSON.stringify(analysis.summary, null, 2));
            else run.io.out(describe(analysis));
            if (options.out) run.io.out(`rows: ${options.out}`);
            return EXIT_OK;
          } finally {
            await impact.close();
          }
        });
      }),
    );
}

const BAR_WIDTH = 30;

function progressBar(draw: (line: string) => void): (progress: Progress) => void {
  return ({ done, total }) => {
    const share = total === 0 ? 1 : done / total;
    const filled = Math.round(share * BAR_WIDTH);
    draw(
      `[${'#'.repeat(filled)}${'.'.repeat(BAR_WIDTH - filled)}] ${(share * 100).toFixed(0).padStart(3)}% ${done}/${total} enterprises`,
    );
  };
}

/** The summary in words, for a terminal. */
export function describe({ summary, before, after, quoteDate }: ImpactAnalysis): string {
  const signed = (amount: string) => (amount.startsWith('-') ? amount : `+${amount}`);
  const line = (label: string, figure: keyof ImpactSummary['before']) =>
    `  ${label.padEnd(16)}${summary.before[figure].padStart(18)} → ${summary.after[figure].padStart(18)}  (${signed(summary.delta[figure])})`;
  const standings = STANDINGS.filter(
    (standing) =>
      summary.approvalMigration[standing] !== undefined ||
      Object.values(summary.approvalMigration).some((to) => to[standing] !== undefined),
  );
  const width = Math.max(...standings.map((standing) => standing.length), 12) + 2;
  const matrix = [
    `  ${'before \\ after'.padEnd(width)}${standings.map((to) => to.padStart(width)).join('')}`,
    ...standings
      .filter((from) => summary.approvalMigration[from] !== undefined)
      .map(
        (from) =>
          `  ${from.padEnd(width)}${standings.map((to) => String(summary.approvalMigration[from]?.[to] ?? 0).padStart(width)).join('')}`,
      ),
  ];
  const movers = summary.biggestMovers.map(
    (mover) =>
      `  ${mover.enterpriseId} ${mover.enterpriseName}: contract value ${signed(mover.contractValueDelta)}, margin ${signed(mover.marginDelta)}, ${mover.approval}`,
  );
  return [
    `impact of ${after.slice(0, 12)} against ${before.slice(0, 12)}, priced on ${quoteDate}`,
    `${summary.enterprises} enterprises, ${summary.changed} changed: tier ${summary.tierChanged}, approval ${summary.approvalChanged}, eligibility ${summary.eligibilityChanged}`,
    line('monthly net', 'monthlyNet'),
    line('contract value', 'contractValue'),
    line('revenue excl. VAT', 'revenueExclTax'),
    line('margin', 'margin'),
    line('margin %', 'marginPct'),
    'approval level, before → after:',
    ...matrix,
    ...(movers.length > 0 ? ['biggest movers:', ...movers] : []),
  ].join('\n');
}
