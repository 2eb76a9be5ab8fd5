/**
 * `quote rules coverage [dir] [--cases dir | --quotes] [--json]`: for every rule of the rule set in
 * `dir`, in how many rule cases (or, with --quotes, quotes stored in the service's database) it
 * fired; rules that never fired come first. Exit 0 with the report, 1 when the rule set, the
 * cases or the database cannot be read, 2 for bad usage.
 */
import { Option, type Command } from 'commander';
import { priceCase } from '../pricing/cases';
import { ruleCoverage } from '../pricing/coverage';
import type { QuoteOutcome } from '../pricing/quote';
import type { RuleSet } from '../rules/compile';
import { loadRuleSet } from '../rules/load';
import { describeStoreLocation, openStore, storeOptionsFromEnv } from '../store/open';
import { caseDirOf, casesFor, ruleDirOf } from './rule-cases';
import { table } from './table';
import { DATABASE_HELP } from './users';
import { EXIT_FAILED, EXIT_OK, type CliRun, type CliIo } from './usage';

interface CoverageOptions {
  cases?: string;
  quotes?: boolean;
  json?: boolean;
}

/** Stored quotes are read a page at a time. */
const PAGE = 500;

export function addRulesCoverageCommand(rules: Command, run: CliRun): void {
  rules
    .command('coverage')
    .description('for every rule, how many cases (or stored quotes) it fired in; unfired first')
    .argument('[dir]', 'the rule directory (default: RULES_DIR, else rules/)')
    .option('--cases <dir>', 'the case directory (default: <dir>/cases)')
    .addOption(
      new Option('--quotes', "count the quotes stored in the service's database instead").conflicts(
        'cases',
      ),
    )
    .option('--json', 'print the coverage as JSON')
    .addHelpText('after', DATABASE_HELP)
    .action(
      run.action(async (given: string | undefined, options: CoverageOptions) => {
        const ruleDir = ruleDirOf(given);
        const ruleSet = loadRuleSet(ruleDir);
        const source = options.quotes
          ? await storedQuotes(ruleSet)
          : await caseQuotes(ruleSet, caseDirOf(ruleDir, options.cases), run.io);
        if (!source) return EXIT_FAILED;
        const coverage = ruleCoverage(ruleSet, source.quotes);
        const never = coverage.filter((rule) => rule.fired === 0).length;
        if (options.json) {
          run.io.out(
            JSON.stringify(
              {
                ruleSetHash: ruleSet.hash,
                source: source.name,
                quotes: source.quotes.length,
                neverFired: never,
                rules: coverage,
              },
              null,
              2,
            ),
          );
        } else {
          run.io.out(
            [
              `${source.description}; ${never} of ${coverage.length} rules never fired`,
              '',
              ...table(
                ['rule', 'file', 'fired'],
                coverage.map((rule) => [rule.rule, rule.file, String(rule.fired)]),
              ),
            ].join('\n'),
          );
        }
        return EXIT_OK;
      }),
    );
}

interface QuoteSource {
  name: 'cases' | 'quotes';
  description: string;
  quotes: QuoteOutcome[];
}

/** The quotes the cases price to; a case that cannot be priced is named on standard error. */
async function caseQuotes(
  ruleSet: RuleSet,
  caseDir: string,
  io: CliIo,
): Promise<QuoteSource | undefined> {
  const read = casesFor(caseDir, io);
  if (!read) return undefined;
  for (const broken of read.broken) io.err(`${broken.name}: skipped, not a valid case file`);
  const quotes: QuoteOutcome[] = [];
  for (const ruleCase of read.cases) {
    try {
      quotes.push(await priceCase(ruleSet, ruleCase));
    } catch (error) {
      io.err(`${ruleCase.name}: skipped, cannot be priced: ${(error as Error).message}`);
    }
  }
  return { name: 'cases', description: `${quotes.length} cases in ${caseDir}`, quotes };
}

/**
 * Every quote in the service's database (DATABASE_URL, else GROUPQUOTE_DB, else the default),
 * whatever rule set priced it: a rule counts wherever a quote names it.
 */
async function storedQuotes(ruleSet: RuleSet): Promise<QuoteSource> {
  const storeOptions = storeOptionsFromEnv();
  const store = await openStore(storeOptions);
  try {
    const quotes: QuoteOutcome[] = [];
    for (let offset = 0; ; offset += PAGE) {
      const page = await store.listQuotes({ limit: PAGE, offset });
      quotes.push(...page.items.map((stored) => stored.quote));
      if (page.items.length < PAGE) break;
    }
    const current = quotes.filter((quote) => quote.ruleSetHash === ruleSet.hash).length;
    return {
      name: 'quotes',
      description: `${quotes.length} stored quotes (${current} priced with this rule set) in ${describeStoreLocation(storeOptions)}`,
      quotes,
    };
  } finally {
    await store.close();
  }
}
