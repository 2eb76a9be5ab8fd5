/** A plain-text rendering of a quote for a person at a terminal (`quote price --format table`). */
import type { QuoteOutcome } from '../pricing/quote';

export function formatQuoteTable(quote: QuoteOutcome): string {
  if (!quote.eligible) {
    return [
      'Not eligible for a group plan:',
      ...quote.reasons.map((reason) => `  - ${reason}`),
      `rule set ${quote.ruleSetHash}`,
    ].join('\n');
  }
  const rows = quote.items.map((item) => [
    item.code,
    item.kind,
    item.quantity,
    item.list,
    item.discount,
    item.net,
    item.tax,
    item.exclTax,
  ]);
  // A credit off the monthly bill reads as a discount row per VAT class under the monthly items.
  const creditRows = (quote.credits ?? []).flatMap((credit) =>
    credit.byVatRate.map((part) => [
      `${credit.component} @${part.vatRate}`,
      'credit',
      '',
      '',
      part.amount,
      `-${part.amount}`,
      `-${part.tax}`,
      `-${part.exclTax}`,
    ]),
  );
  rows.splice(quote.items.filter((item) => item.kind === 'recurring').length, 0, ...creditRows);
  const lines = [
    `tier ${quote.tier} · ${quote.lines} lines · ${quote.termMonths} months · rule set ${quote.ruleSetHash.slice(0, 12)}`,
    '',
    ...table(['item', 'kind', 'quantity', 'list', 'discount', 'net', 'tax', 'excl. tax'], rows),
    '',
    ...table(
      ['total', 'CNY'],
      Object.entries(quote.totals).map(([name, value]) => [name, value]),
    ),
    '',
    ...table(
      ['benefit', 'value'],
      Object.entries(quote.benefits).map(([name, value]) => [name, value]),
    ),
    '',
    ...table(
      ['internal', 'value'],
      Object.entries(quote.internal)
        .filter(([, value]) => typeof value === 'string')
        .map(([name, value]) => [name, value as string]),
    ),
    '',
    'why:',
    ...explanationLines(quote),
  ];
  return lines.join('\n');
}

function explanationLines(quote: Extract<QuoteOutcome, { eligible: true }>): string[] {
  const entries: [string, { rule: string; conditions: { fact: string; saw: unknown }[] }[]][] = [
    ['tier', quote.explanations.tier],
    ...Object.entries(quote.explanations.items),
    ['credits', quote.explanations.credits ?? []],
    ['overdraftLimit', quote.explanations.benefits.overdraftLimit],
    ['monthlyPoints', quote.explanations.benefits.monthlyPoints],
    ['approval', quote.internal.approvalRules],
  ];
  return entries
    .filter(([, rules]) => rules.length > 0)
    .map(
      ([what, rules]) =>
        `  ${what}: ${rules
          .map(
            (rule) =>
              `${rule.rule}${rule.conditions.length ? ` (${rule.conditions.map((c) => `${c.fact} = ${JSON.stringify(c.saw)}`).join(', ')})` : ''}`,
          )
          .join('; ')}`,
    );
}

/** Rows under a header, columns aligned; a column of numbers is right-aligned. */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const numeric = header.map(
    (_, column) => column > 0 && rows.every((row) => /^-?[\d.]+$/.test(row[column] ?? '')),
  );
  const render = (row: string[]) =>
    row
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column] ?? 0) : cell.padEnd(widths[column] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [render(header), widths.map((width) => '-'.repeat(width)).join('  '), ...rows.map(render)];
}
