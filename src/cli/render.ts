/**
 * `quote render <request.json|-> --out proposal.pdf [--lang en] [--deal-sheet] [--number Q-…]
 * [--manager NAME] [--date YYYY-MM-DD] [--rules dir]`: prices a request with the core and prints
 * the customer's proposal (or the internal deal sheet) to PDF. Without --number the document is a
 * draft, marked as such on every page. Exit 0 written; 1 refused (ineligible, or a loss-making
 * proposal) or failed; 2 bad usage or an invalid request.
 */
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { priceRequest } from '../pricing/price';
import { parseQuoteRequest } from '../rules/request';
import { loadRuleSet } from '../rules/load';
import {
  DEFAULT_PROPOSAL_LANGUAGE,
  PROPOSAL_LANGUAGES,
  ProposalRenderer,
  addDays,
  calendarDate,
  ruleSetLabels,
  type ProposalInput,
  type ProposalLanguage,
} from '../proposals';
import { readJsonInput } from './input';
import { calendarDateOption, quoteNumberOption } from './options';
import { EXIT_FAILED, EXIT_OK, type CliRun, type ExitCode } from './usage';

interface RenderOptions {
  out: string;
  lang: ProposalLanguage;
  dealSheet?: boolean;
  number?: string;
  manager?: string;
  date?: string;
  rules?: string;
}

export function addRenderCommand(program: Command, run: CliRun): void {
  program
    .command('render')
    .description(
      'price a request and print the customer proposal (or the internal deal sheet) to PDF; ' +
        'without --number it is a draft, marked DRAFT on every page',
    )
    .argument('<request>', 'the request: a JSON file, or - for standard input')
    .requiredOption('-o, --out <file.pdf>', 'where to write the PDF')
    .addOption(
      new Option('--lang <lang>', 'the language of the document')
        .choices(PROPOSAL_LANGUAGES)
        .default(DEFAULT_PROPOSAL_LANGUAGE),
    )
    .option('--deal-sheet', 'the internal deal sheet instead of the customer proposal')
    .option('--number <Q-YYYY-NNNNNN>', 'the quote number (default: a draft)', quoteNumberOption)
    .option('--manager <name>', 'the account manager (default: QUOTE_ACCOUNT_MANAGER)', nonEmpty)
    .option('--date <YYYY-MM-DD>', 'the issue date (default: today in China)', calendarDateOption)
    .option('--rules <dir>', 'the rule directory (default: RULES_DIR, else rules/)')
    .action(
      run.action(async (source: string, options: RenderOptions) => render(run, source, options)),
    );
}

async function render(run: CliRun, source: string, options: RenderOptions): Promise<ExitCode> {
  const io = run.io;
  const ruleSet = loadRuleSet(options.rules);
  const request = parseQuoteRequest(ruleSet.requestSchema, readJsonInput(source, io.readStdin));
  const issuedAt = options.date ?? calendarDate(new Date());
  const quote = await priceRequest(ruleSet, request, { quoteDate: issuedAt });
  if (!quote.eligible) {
    io.err(
      ['Not eligible for a group plan:', ...quote.reasons.map((reason) => `  - ${reason}`)].join(
        '\n',
      ),
    );
    return EXIT_FAILED;
  }
  const document = options.dealSheet ? 'deal-sheet' : 'proposal';
  if (document === 'proposal' && quote.internal.approval === 'rejected') {
    // §8: a loss-making proposal is never issued; the deal sheet shows why.
    io.err(
      `a loss-making quote (margin ${quote.internal.marginPct}%) is never issued to the customer; use --deal-sheet to see it`,
    );
    return EXIT_FAILED;
  }

  const input: ProposalInput = {
    quote,
    request,
    number: options.number ?? `Q-${issuedAt.slice(0, 4)}-DRAFT`,
    draft: options.number === undefined,
    issuedAt,
    // §9: a quote is valid for the tariff's validity period from its issue date.
    validUntil: addDays(issuedAt, ruleSet.tariff.validityDays),
    accountManager: { name: options.manager ?? process.env.QUOTE_ACCOUNT_MANAGER ?? '—' },
    ...ruleSetLabels(ruleSet.tariff),
  };

  const renderer = new ProposalRenderer({ pages: 1 });
  let pdf: Buffer;
  try {
    pdf = await renderer.render(input, { lang: options.lang, document });
  } finally {
    await renderer.close();
  }
  writeFileSync(options.out, pdf);
  io.out(
    `wrote ${options.out}: ${document === 'deal-sheet' ? 'deal sheet' : 'proposal'} ${input.number}, ${options.lang}, ${pdf.length} bytes`,
  );
  return EXIT_OK;
}

function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('It must not be empty.');
  return value;
}
