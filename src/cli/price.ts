/**
 * `quote price <request.json|-> [--format json|table] [--rules dir]`: prices a request with the
 * core and prints the quote. An ineligible request is a result, printed with its reasons, exit 0;
 * an invalid request exits 2 naming every bad field; a broken rule set exits 1.
 */
import { Option, type Command } from 'commander';
import { calendarDate } from '../calendar';
import { priceQuote } from '../pricing/price';
import { loadRuleSet } from '../rules/load';
import { readJsonInput } from './input';
import { calendarDateOption } from './options';
import { formatQuoteTable } from './table';
import { EXIT_OK, type CliRun } from './usage';

const FORMATS = ['json', 'table'] as const;

interface PriceOptions {
  format: (typeof FORMATS)[number];
  rules?: string;
  date?: string;
}

export function addPriceCommand(program: Command, run: CliRun): void {
  program
    .command('price')
    .description('price a request and print the quote (JSON by default); a refusal is printed too')
    .argument('<request>', 'the request: a JSON file, or - for standard input')
    .addOption(
      new Option('--format <format>', 'JSON, or a table for a person')
        .choices(FORMATS)
        .default('json'),
    )
    .option('--rules <dir>', 'the rule directory (default: RULES_DIR, else rules/)')
    .option(
      '--date <YYYY-MM-DD>',
      'the quote date, which decides dated rules (default: today in China)',
      calendarDateOption,
    )
    .action(
      run.action(async (source: string, options: PriceOptions) => {
        const request = readJsonInput(source, run.io.readStdin);
        const quote = await priceQuote(loadRuleSet(options.rules), request, {
          quoteDate: options.date ?? calendarDate(new Date()),
        });
        run.io.out(
          options.format === 'table' ? formatQuoteTable(quote) : JSON.stringify(quote, null, 2),
        );
        return EXIT_OK;
      }),
    );
}
