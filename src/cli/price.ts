/**
 * `quote price <request.json|-> [--format json|table] [--rules dir]`: prices a request with the
 * core and prints the quote. An ineligible request is a result, printed with its reasons, exit 0;
 * an invalid request exits 2 naming every bad field; a broken rule set exits 1.
 */
import { Option, type Command } from 'commander';
import { calendarDate } from '../calendar';
import { priceRequest } from '../pricing/price';
import { parseQuoteRequest } from '../rules/request';
import { loadRuleSet } from '../rules/load';
import { readJsonSource } from './input';
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
        const input = readJsonSource(source, run.io.readStdin);
        const ruleSet = loadRuleSet(options.rules);
        const request = parseQuoteRequest(ruleSet.requestSchema, input.value, input.text);
        const quote = await priceRequest(ruleSet, request, {
          quoteDate: options.date ?? calendarDate(new Date()),
        });
        run.io.out(
          options.format === 'table' ? formatQuoteTable(quote) : JSON.stringify(quote, null, 2),
        );
        return EXIT_OK;
      }),
    );
}
