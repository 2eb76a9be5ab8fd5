/**
 * `quote headroom <request.json|-> [--rules dir] [--date YYYY-MM-DD] [--json]`: the deal desk's
 * view of a request — for each item, the deepest extra negotiated percent that keeps the
 * current approval level, and where each next level starts.
 */
import type { Command } from 'commander';
import { calendarDate } from '../calendar';
import { APPROVAL_LEVELS } from '../domain';
import { AppError } from '../errors';
import { headroom } from '../pricing/headroom';
import { loadRuleSet } from '../rules/load';
import { parseQuoteRequest } from '../rules/request';
import { readJsonSource } from './input';
import { calendarDateOption } from './options';
import { table } from './table';
import { EXIT_OK, type CliRun } from './usage';

interface HeadroomOptions {
  rules?: string;
  date?: string;
  json?: boolean;
}

export function addHeadroomCommand(program: Command, run: CliRun): void {
  program
    .command('headroom')
    .description(
      'for each item, how much more may be negotiated before the quote needs a higher approval',
    )
    .argument('<request>', 'the request: a JSON file, or - for standard input')
    .option('--rules <dir>', 'the rule directory (default: RULES_DIR, else rules/)')
    .option(
      '--date <YYYY-MM-DD>',
      'the quote date, which decides dated rules (default: today in China)',
      calendarDateOption,
    )
    .option('--json', 'print JSON instead of a table')
    .action(
      run.action(async (source: string, options: HeadroomOptions) => {
        const input = readJsonSource(source, run.io.readStdin);
        const ruleSet = loadRuleSet(options.rules);
        const request = parseQuoteRequest(ruleSet.requestSchema, input.value, input.text);
        const room = await headroom(ruleSet, request, {
          quoteDate: options.date ?? calendarDate(new Date()),
        });
        if (!room) throw new AppError('ineligible', 'the request is refused: it has no headroom');
        if (options.json) {
          run.io.out(JSON.stringify(room, null, 2));
          return EXIT_OK;
        }
        const later = APPROVAL_LEVELS.slice(APPROVAL_LEVELS.indexOf(room.level) + 1);
        run.io.out(
          [
            `approval now: ${room.level}; extra percent points on one item (0.01 steps)`,
            '',
            ...table(
              ['item', `keeps ${room.level} up to`, ...later.map((level) => `${level} from`)],
              room.items.map((item) => [
                item.item,
                item.keepsLevelUpTo,
                ...later.map(
                  (level) =>
                    item.reaches.find((reach) => reach.level === level)?.fromPercent ?? '—',
                ),
              ]),
            ),
          ].join('\n'),
        );
        return EXIT_OK;
      }),
    );
}
