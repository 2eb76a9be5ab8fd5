/** `quote render`: a request file in, a PDF out, through the same core and renderer as the service. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../src/cli/main';
import { pdfText, yuan } from './support';
import { workedExample } from '../support/tariff-book';

jest.setTimeout(60_000);

const FIXTURES = join(__dirname, '..', 'fixtures', 'tariff-book');
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'gq-render-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function quote(
  args: string[],
  stdin = '',
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    readStdin: () => stdin,
  };
  const code = await runCli(args, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

it('prints a draft proposal in Chinese by default, valid for the tariff validity period', async () => {
  const file = join(dir, 'draft.pdf');
  const result = await quote([
    'render',
    join(FIXTURES, 'ENT-0001.request.json'),
    '--out',
    file,
    '--date',
    '2026-11-27',
  ]);
  expect(result).toMatchObject({ code: 0, err: '' });
  const text = pdfText(readFileSync(file));
  expect(text).toContain('华信物流集团有限公司');
  expect(text).toContain('Q-2026-DRAFT');
  expect(text).toContain('草稿');
  expect(text).toContain('2026年12月27日');
  expect(text).toContain(yuan(workedExample('ENT-0001').expected.totals.contractValue ?? ''));
});

it('prints the English deal sheet under a given number and account manager', async () => {
  const file = join(dir, 'deal.pdf');
  const args = [
    'render',
    join(FIXTURES, 'ENT-0003.request.json'),
    '--out',
    file,
    '--lang',
    'en',
    '--deal-sheet',
  ];
  const result = await quote([...args, '--number', 'Q-2026-000123', '--manager', 'Li Na']);
  expect(result.code).toBe(0);
  const text = pdfText(readFileSync(file));
  expect(text).toContain('Q-2026-000123');
  expect(text).toContain('Li Na');
  expect(text).toContain('Finance director');
  expect(text).not.toContain('DRAFT');
});

it('reads the request from standard input', async () => {
  const file = join(dir, 'stdin.pdf');
  const request = readFileSync(join(FIXTURES, 'ENT-0002.request.json'), 'utf8');
  const result = await quote(['render', '-', '--out', file, '--lang', 'en'], request);
  expect(result.code).toBe(0);
  expect(pdfText(readFileSync(file))).toContain('江南精工制造有限公司');
});

it('refuses an ineligible request with its reasons, exit 1, and writes nothing', async () => {
  const file = join(dir, 'ineligible.pdf');
  const request = { ...workedExample('ENT-0002').request, lines: 5 };
  const result = await quote(['render', '-', '--out', file], JSON.stringify(request));
  expect(result.code).toBe(1);
  expect(result.err).toContain('a group plan needs at least 10 lines');
  expect(existsSync(file)).toBe(false);
});

it('names the bad field of an invalid request, exit 2', async () => {
  const file = join(dir, 'invalid.pdf');
  const request = { ...workedExample('ENT-0002').request, termMonths: 13 };
  const result = await quote(['render', '-', '--out', file], JSON.stringify(request));
  expect(result.code).toBe(2);
  expect(result.err).toContain('termMonths');
  expect(existsSync(file)).toBe(false);
});

it.each([
  [['--lang', 'fr'], '--lang'],
  [['--number', '2026-1'], '--number'],
  [['--date', '2026-02-30'], '--date'],
  [[], '--out'],
])('rejects bad usage %j with exit 2', async (extra, named) => {
  const out = extra.length === 0 ? [] : ['--out', join(dir, 'usage.pdf')];
  const result = await quote(['render', join(FIXTURES, 'ENT-0002.request.json'), ...out, ...extra]);
  expect(result.code).toBe(2);
  expect(result.err).toContain(named);
});

it('does not read a file that is not there, exit 2', async () => {
  writeFileSync(join(dir, 'broken.json'), '{ not json');
  expect(
    (await quote(['render', join(dir, 'missing.json'), '--out', join(dir, 'x.pdf')])).code,
  ).toBe(2);
  const broken = await quote(['render', join(dir, 'broken.json'), '--out', join(dir, 'x.pdf')]);
  expect(broken.code).toBe(2);
  expect(broken.err).toContain('not valid JSON');
});
