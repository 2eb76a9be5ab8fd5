/** Shared set-up for the proposal tests: priced worked examples and poppler's view of a PDF. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { priceRequest } from '../../src/pricing/price';
import type { PricedQuote } from '../../src/pricing/quote';
import { parseQuoteRequest } from '../../src/rules/request';
import { fixtureRuleSet } from '../support/rule-set-copy';
import { ruleSetLabels, type ProposalInput } from '../../src/proposals';
import { EXAMPLE_IDS, workedExample } from '../support/tariff-book';

export { EXAMPLE_IDS };
export type ExampleId = (typeof EXAMPLE_IDS)[number];

const ruleSet = fixtureRuleSet();

/** A worked example priced by the core, as the service would hand it to the renderer. */
export async function exampleInput(
  id: ExampleId,
  change: (request: Record<string, unknown>) => void = () => undefined,
): Promise<ProposalInput> {
  const raw = structuredClone(workedExample(id).request);
  change(raw);
  const request = parseQuoteRequest(ruleSet.requestSchema, raw);
  const quote = await priceRequest(ruleSet, request);
  if (!quote.eligible) throw new Error(`${id} should be eligible`);
  return {
    quote: quote as PricedQuote,
    request,
    number: `Q-2026-00000${id.slice(-1)}`,
    issuedAt: '2026-11-27',
    validUntil: '2026-12-27',
    accountManager: { name: '王晓明' },
    ...ruleSetLabels(ruleSet.tariff),
  };
}

/** With the enterprise's name replaced (the schema is bypassed on purpose: the renderer must cope). */
export async function inputNamed(name: string, id: ExampleId = 'ENT-0002'): Promise<ProposalInput> {
  const input = await exampleInput(id);
  return {
    ...input,
    request: { ...input.request, enterprise: { ...input.request.enterprise, name } },
  };
}

function withPdfFile<T>(pdf: Buffer, use: (path: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'gq-pdf-'));
  const path = join(dir, 'document.pdf');
  writeFileSync(path, pdf);
  try {
    return use(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text pdftotext extracts, whitespace collapsed to single spaces (a cell may wrap). */
export function pdfText(pdf: Buffer, pages?: { first: number; last: number }): string {
  const range = pages ? ['-f', String(pages.first), '-l', String(pages.last)] : [];
  return withPdfFile(pdf, (path) =>
    execFileSync('pdftotext', ['-enc', 'UTF-8', ...range, path, '-'], { encoding: 'utf8' }),
  )
    .replace(/\s+/g, ' ')
    .trim();
}

/** pdffonts' table: one line per font with its type and whether it is embedded. */
export function pdfFonts(pdf: Buffer): string {
  return withPdfFile(pdf, (path) => execFileSync('pdffonts', [path], { encoding: 'utf8' }));
}

/**
 * The runs of text pdftohtml reads, each with whether its font is a bold one (pdftohtml wraps the
 * run in <b> when the embedded font's name says Bold).
 */
export function pdfRuns(pdf: Buffer): { text: string; bold: boolean }[] {
  const xml = withPdfFile(pdf, (path) =>
    execFileSync('pdftohtml', ['-xml', '-i', '-q', '-stdout', path], { encoding: 'utf8' }),
  );
  const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return [...xml.matchAll(/<text [^>]*>(.*?)<\/text>/g)].map(([, inner = '']) => ({
    text: inner
      .replace(/<[^>]+>/g, '')
      .replace(/&(#\d+|\w+);/g, (entity, name: string) =>
        name.startsWith('#')
          ? String.fromCodePoint(Number(name.slice(1)))
          : (entities[name] ?? entity),
      ),
    bold: inner.startsWith('<b>'),
  }));
}

export function pdfPageCount(pdf: Buffer): number {
  const info = withPdfFile(pdf, (path) => execFileSync('pdfinfo', [path], { encoding: 'utf8' }));
  const match = /^Pages:\s+(\d+)$/m.exec(info);
  if (!match) throw new Error(`pdfinfo gave no page count:\n${info}`);
  return Number.parseInt(match[1] ?? '0', 10);
}

/**
 * How a proposal should print an amount, derived here from the decimal string independently of
 * the code under test: `"355062.00"` → `¥355,062.00`.
 */
export function yuan(amount: string): string {
  const [whole = '', fraction = '00'] = amount.split('.');
  return `¥${whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}.${fraction.padEnd(2, '0')}`;
}

/** Whether `text` holds `figure` as a figure of its own, not as part of a longer number. */
export function containsFigure(text: string, figure: string): boolean {
  const escaped = figure.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(?<![\\d,.])${escaped}(?![\\d])`).test(text);
}
