/**
 * `quote render <request.json|-> --out proposal.pdf [--lang en] [--deal-sheet] [--number Q-…]
 * [--manager NAME] [--date YYYY-MM-DD] [--rules dir]`: prices a request with the core and prints
 * the customer's proposal (or the internal deal sheet) to PDF. Without --number the document is a
 * draft, marked as such on every page. Exit codes as for `quote price`: 2 for invalid input or
 * usage, 1 for an ineligible request or a failure.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { priceRequest } from '../pricing/price';
import { parseQuoteRequest } from '../rules/request';
import { loadRuleSet } from '../rules/load';
import {
  DEFAULT_PROPOSAL_LANGUAGE,
  PROPOSAL_LANGUAGES,
  ProposalRenderer,
  addDays,
  calendarDate,
  tierNamesOf,
  type ProposalInput,
  type ProposalLanguage,
} from '../proposals';
import { readJsonInput } from './input';
import type { CliCommand } from './main';
import { usageError } from './usage';

const USAGE = `usage:
  quote render <request.json|-> --out <file.pdf> [--lang zh-CN|en] [--deal-sheet]
               [--number Q-YYYY-NNNNNN] [--manager NAME] [--date YYYY-MM-DD] [--rules <dir>]`;

const QUOTE_NUMBER = /^Q-\d{4}-\d{6}$/;
const CALENDAR_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const renderCommand: CliCommand = async (args, io) => {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        lang: { type: 'string', default: DEFAULT_PROPOSAL_LANGUAGE },
        'deal-sheet': { type: 'boolean', default: false },
        number: { type: 'string' },
        manager: { type: 'string' },
        date: { type: 'string' },
        rules: { type: 'string' },
      },
    });
  } catch (error) {
    return usageError(io, USAGE, (error as Error).message);
  }
  const { values, positionals } = parsed;
  const source = positionals[0];
  if (!source || positionals.length > 1)
    return usageError(io, USAGE, 'give exactly one request file (or - for standard input)');
  if (!values.out) return usageError(io, USAGE, '--out <file.pdf> is required');
  if (!isLanguage(values.lang))
    return usageError(io, USAGE, `--lang must be one of ${PROPOSAL_LANGUAGES.join(', ')}`);
  if (values.number !== undefined && !QUOTE_NUMBER.test(values.number)) {
    return usageError(io, USAGE, '--number must look like Q-2026-000001 (Q-YYYY-NNNNNN)');
  }
  if (values.date !== undefined && !isCalendarDate(values.date))
    return usageError(io, USAGE, '--date must be a date such as 2026-11-27');
  if (values.manager !== undefined && values.manager.trim() === '')
    return usageError(io, USAGE, '--manager must not be empty');

  const ruleSet = loadRuleSet(values.rules);
  const request = parseQuoteRequest(ruleSet.requestSchema, readJsonInput(source, io.readStdin));
  const quote = await priceRequest(ruleSet, request);
  if (!quote.eligible) {
    io.err(
      ['Not eligible for a group plan:', ...quote.reasons.map((reason) => `  - ${reason}`)].join(
        '\n',
      ),
    );
    return 1;
  }
  const document = values['deal-sheet'] ? 'deal-sheet' : 'proposal';
  if (document === 'proposal' && quote.internal.approval === 'rejected') {
    // §8: a loss-making proposal is never issued; the deal sheet shows why.
    io.err(
      `a loss-making quote (margin ${quote.internal.marginPct}%) is never issued to the customer; use --deal-sheet to see it`,
    );
    return 1;
  }

  const issuedAt = values.date ?? calendarDate(new Date());
  const input: ProposalInput = {
    quote,
    request,
    number: values.number ?? `Q-${issuedAt.slice(0, 4)}-DRAFT`,
    draft: values.number === undefined,
    issuedAt,
    // §9: a quote is valid for the tariff's validity period from its issue date.
    validUntil: addDays(issuedAt, ruleSet.tariff.validityDays),
    accountManager: { name: values.manager ?? process.env.QUOTE_ACCOUNT_MANAGER ?? '—' },
    tierNames: tierNamesOf(ruleSet.tariff),
    tariff: { name: ruleSet.tariff.name, version: ruleSet.tariff.version },
  };

  const renderer = new ProposalRenderer({ pages: 1 });
  let pdf: Buffer;
  try {
    pdf = await renderer.render(input, { lang: values.lang, document });
  } finally {
    await renderer.close();
  }
  writeFileSync(values.out, pdf);
  io.out(
    `wrote ${values.out}: ${document === 'deal-sheet' ? 'deal sheet' : 'proposal'} ${input.number}, ${values.lang}, ${pdf.length} bytes`,
  );
  return 0;
};

function isLanguage(value: string): value is ProposalLanguage {
  return (PROPOSAL_LANGUAGES as readonly string[]).includes(value);
}

function isCalendarDate(value: string): boolean {
  if (!CALENDAR_DATE.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
