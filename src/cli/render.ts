/**
 * `quote render <request.json|-> --out proposal.pdf [--lang en] [--deal-sheet] [--manager NAME]
 * [--date YYYY-MM-DD] [--rules dir]`: prices a request with the core and prints a DRAFT of the
 * customer's proposal (or the internal deal sheet) to PDF, marked as such on every page.
 * `quote render --number Q-YYYY-NNNNNN --out proposal.pdf [--lang en] [--deal-sheet]`: prints the
 * STORED quote from the service's database (DATABASE_URL, else GROUPQUOTE_DB, else
 * data/groupquote.sqlite) through the service's own print path, so by the same state rules: an
 * issued or accepted quote is the offer, an earlier one is marked DRAFT, a rejected, expired,
 * declined or loss-making one gets no customer copy, and one whose row does not match its audit
 * trail gets nothing. A number that is not stored is never printed.
 * Exit 0 written; 1 refused (ineligible, loss-making, not stored, its state) or failed; 2 bad
 * usage or an invalid request.
 */
import { writeFileSync } from 'node:fs';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { priceRequest } from '../pricing/price';
import { negotiatedDiscounts } from '../pricing/waterfall';
import { parseQuoteRequest } from '../rules/request';
import { loadRuleSet } from '../rules/load';
import {
  DEFAULT_PROPOSAL_LANGUAGE,
  PROPOSAL_LANGUAGES,
  ProposalRenderer,
  addDays,
  calendarDate,
  ruleSetLabels,
  type ProposalDocument,
  type ProposalInput,
  type ProposalLanguage,
} from '../proposals';
import { CUSTOMER_COPY, type Actor } from '../quotes/policy';
import { RuleSetCache } from '../quotes/replay';
import { QuoteService, type PrintedQuote } from '../quotes/service';
import { describeStoreLocation, openStore, storeOptionsFromEnv } from '../store/open';
import { readJsonInput } from './input';
import { calendarDateOption, quoteNumberOption } from './options';
import { DATABASE_HELP } from './users';
import { EXIT_FAILED, EXIT_OK, usageError, type CliRun, type ExitCode } from './usage';

interface RenderOptions {
  out: string;
  lang: ProposalLanguage;
  dealSheet?: boolean;
  number?: string;
  manager?: string;
  date?: string;
  rules?: string;
}

/**
 * Whoever runs the command line with the database's credentials operates the system: the admin
 * role, which may read and print any quote (and decide none).
 */
const OPERATOR: Actor = { id: 'cli', role: 'admin' };

export function addRenderCommand(program: Command, run: CliRun): void {
  program
    .command('render')
    .description(
      'print the customer proposal (or the internal deal sheet) to PDF: of a request, priced now ' +
        'and marked DRAFT on every page, or of the stored quote --number, by its state',
    )
    .usage('[options] <request>\n       quote render [options] --number <Q-YYYY-NNNNNN>')
    .argument('[request]', 'the request: a JSON file, or - for standard input')
    .requiredOption('-o, --out <file.pdf>', 'where to write the PDF')
    .addOption(
      new Option('--lang <lang>', 'the language of the document')
        .choices(PROPOSAL_LANGUAGES)
        .default(DEFAULT_PROPOSAL_LANGUAGE),
    )
    .option('--deal-sheet', 'the internal deal sheet instead of the customer proposal')
    .option(
      '--number <Q-YYYY-NNNNNN>',
      'print this stored quote from the database, instead of a draft of a request',
      quoteNumberOption,
    )
    .option(
      '--manager <name>',
      "a draft's account manager (default: QUOTE_ACCOUNT_MANAGER)",
      nonEmpty,
    )
    .option(
      '--date <YYYY-MM-DD>',
      "a draft's issue date (default: today in China)",
      calendarDateOption,
    )
    .option('--rules <dir>', 'the rule directory for a draft (default: RULES_DIR, else rules/)')
    .addHelpText('after', DATABASE_HELP.replace('database:', 'database (--number):'))
    .action(
      run.action(async (source: string | undefined, options: RenderOptions, command: Command) =>
        options.number === undefined
          ? renderDraft(run, command, source, options)
          : renderStored(run, command, source, { ...options, number: options.number }),
      ),
    );
}

/** A request priced now: always a draft, under the number Q-YYYY-DRAFT. */
async function renderDraft(
  run: CliRun,
  command: Command,
  source: string | undefined,
  options: RenderOptions,
): Promise<ExitCode> {
  if (source === undefined) {
    usageError(
      command,
      "missing required argument 'request' (or --number <Q-YYYY-NNNNNN> for a stored quote)",
    );
  }
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
  const document = documentOf(options);
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
    number: `Q-${issuedAt.slice(0, 4)}-DRAFT`,
    draft: true,
    issuedAt,
    // §9: a quote is valid for the tariff's validity period from its issue date.
    validUntil: addDays(issuedAt, ruleSet.tariff.validityDays),
    accountManager: { name: options.manager ?? process.env.QUOTE_ACCOUNT_MANAGER ?? '—' },
    ...ruleSetLabels(ruleSet.tariff),
    ...(document === 'deal-sheet'
      ? { negotiatedDiscounts: await negotiatedDiscounts(ruleSet, request, quote) }
      : {}),
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
    `wrote ${options.out}: ${describeDocument(document)} ${input.number}, ${options.lang}, ${pdf.length} bytes`,
  );
  return EXIT_OK;
}

/**
 * The stored quote, printed by the service as the API prints it: the service decides whether it
 * prints and whether it is marked DRAFT (CUSTOMER_COPY, LOSS_MAKING_LEVEL), expires it if due and
 * refuses one whose row does not match its audit trail. It is priced with its own stored rule set.
 */
async function renderStored(
  run: CliRun,
  command: Command,
  source: string | undefined,
  options: RenderOptions & { number: string },
): Promise<ExitCode> {
  const forDrafts = [
    source !== undefined ? 'request file' : undefined,
    options.manager !== undefined ? '--manager' : undefined,
    options.date !== undefined ? '--date' : undefined,
    options.rules !== undefined ? '--rules' : undefined,
  ].filter((given) => given !== undefined);
  if (forDrafts.length > 0) {
    usageError(
      command,
      `--number prints the stored quote with its own request, account manager, dates and rule set; give no ${forDrafts.join(', ')}`,
    );
  }
  const { number } = options;
  const storeOptions = storeOptionsFromEnv();
  const store = await openStore(storeOptions);
  try {
    const stored = await store.getQuote(number);
    if (!stored) {
      run.io.err(
        `no quote ${number} in ${describeStoreLocation(storeOptions)}: --number prints a stored quote (without it, render prints a DRAFT of a request)`,
      );
      return EXIT_FAILED;
    }
    const ruleSet = await new RuleSetCache(store).get(stored.ruleSetHash);
    const renderer = new ProposalRenderer({ pages: 1 });
    const document = documentOf(options);
    let printed: PrintedQuote;
    try {
      const service = new QuoteService({ store, ruleSet, renderer });
      printed =
        document === 'deal-sheet'
          ? await service.dealSheet(OPERATOR, number, options.lang)
          : await service.proposal(OPERATOR, number, options.lang);
    } finally {
      await renderer.close();
    }
    writeFileSync(options.out, printed.pdf);
    // Printing may have expired it (a deal sheet prints in every state).
    const state = (await store.getQuote(number))?.state ?? stored.state;
    const mark = CUSTOMER_COPY[state] === 'draft' ? ', marked DRAFT' : '';
    run.io.out(
      `wrote ${options.out}: ${describeDocument(document)} ${number} as stored (${state}${mark}), ${options.lang}, ${printed.pdf.length} bytes`,
    );
    return EXIT_OK;
  } finally {
    await store.close();
  }
}

function documentOf(options: RenderOptions): ProposalDocument {
  return options.dealSheet ? 'deal-sheet' : 'proposal';
}

function describeDocument(document: ProposalDocument): string {
  return document === 'deal-sheet' ? 'deal sheet' : 'proposal';
}

function nonEmpty(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('It must not be empty.');
  return value;
}
