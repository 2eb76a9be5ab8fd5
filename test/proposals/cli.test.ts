/**
 * `quote render`: a request file in, a DRAFT PDF out, through the same core and renderer as the
 * service; or `--number`, the stored quote out of the database, printed by the service's rules.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliIo } from '../../src/cli/main';
import { pdfText, yuan } from './support';
import { workedExample } from '../support/tariff-book';
import BetterSqlite3 from 'better-sqlite3';
import type { QuoteState } from '../../src/domain';
import { openStore } from '../../src/store/open';
import type { Store } from '../../src/store/types';
import { newQuote, saveCurrentRuleSet } from '../store/support';

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
  [['--number', 'Q-2026-000001'], 'give no request file'],
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

describe('--number: the stored quote, printed as the service prints it', () => {
  let store: Store;
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    GROUPQUOTE_DB: process.env.GROUPQUOTE_DB,
  };
  let database: string;

  beforeAll(async () => {
    database = join(dir, 'quotes.sqlite');
    delete process.env.DATABASE_URL;
    process.env.GROUPQUOTE_DB = database;
    store = await openStore({ sqlitePath: database });
    await saveCurrentRuleSet(store);
    await store.createUser({
      id: 'am-li',
      name: 'Li Na',
      role: 'account-manager',
      tokenHash: 'a'.repeat(64),
      createdAt: new Date().toISOString(),
    });
  });
  afterAll(async () => {
    await store.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  /** A quote stored in `state` by Li Na, valid for 30 days from now unless told otherwise. */
  async function stored(
    state: QuoteState,
    options: { validUntil?: string; lossMaking?: boolean } = {},
  ): Promise<string> {
    const now = new Date();
    const input = await newQuote({
      accountManagerId: 'am-li',
      state,
      createdAt: now.toISOString(),
      validUntil: options.validUntil ?? addDaysTo(now, 30),
    });
    if (options.lossMaking) input.quote.internal.approval = 'rejected';
    return (await store.createQuote(input)).quote.number;
  }

  it('prints an issued quote as the offer: its number, its account manager, no DRAFT mark', async () => {
    const number = await stored('issued');
    const file = join(dir, 'issued.pdf');
    const result = await quote(['render', '--number', number, '--out', file, '--lang', 'en']);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toMatch(
      new RegExp(`^wrote .*: proposal ${number} as stored \\(issued\\), en, \\d+ bytes$`),
    );
    const text = pdfText(readFileSync(file));
    expect(text).toContain(number);
    expect(text).toContain('Li Na');
    expect(text).toContain(yuan(workedExample('ENT-0001').expected.totals.contractValue ?? ''));
    expect(text).not.toContain('DRAFT');

    const sheet = join(dir, 'issued-deal-sheet.pdf');
    expect((await quote(['render', '--number', number, '--out', sheet, '--deal-sheet'])).code).toBe(
      0,
    );
    expect(pdfText(readFileSync(sheet))).not.toContain('草稿');
  });

  it('marks an approved, not yet issued quote DRAFT on every page', async () => {
    const number = await stored('approved');
    const file = join(dir, 'approved.pdf');
    const result = await quote(['render', '--number', number, '--out', file]);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`proposal ${number} as stored (approved, marked DRAFT)`);
    const text = pdfText(readFileSync(file));
    expect(text).toContain(number);
    expect(text).toContain('草稿');
  });

  it.each([
    [
      'a number never stored',
      async () => 'Q-2026-009999',
      /^no quote Q-2026-009999 in .*quotes\.sqlite: --number prints a stored quote/,
    ],
    [
      'a loss-making quote',
      () => stored('approved', { lossMaking: true }),
      /loss-making .*never offered to a customer/,
    ],
    [
      'a rejected quote',
      () => stored('rejected'),
      /is rejected: a customer proposal is printed only for a quote that is/,
    ],
    [
      'a quote past its validity',
      () => stored('issued', { validUntil: '2026-01-01T00:00:00.000Z' }),
      /is expired: a customer proposal/,
    ],
  ])('refuses %s, exit 1, and writes nothing', async (_what, make, message) => {
    const number = await make();
    const file = join(dir, `refused-${number}.pdf`);
    const result = await quote(['render', '--number', number, '--out', file]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(message);
    expect(existsSync(file)).toBe(false);
  });

  it('refuses a quote whose row was changed behind the service, naming it', async () => {
    const number = await stored('approved');
    const backDoor = new BetterSqlite3(database);
    backDoor.prepare(`update quotes set state = 'issued' where number = ?`).run(number);
    backDoor.close();
    const file = join(dir, 'forged.pdf');
    const result = await quote(['render', '--number', number, '--out', file]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `${number} does not match its audit trail: it is issued in the database, but its audit trail leaves it approved`,
    );
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    [['--manager', 'Li Na'], '--manager'],
    [['--date', '2026-11-27'], '--date'],
    [['--rules', 'rules'], '--rules'],
  ])('takes no draft option %j with --number, exit 2', async (extra, named) => {
    const result = await quote([
      'render',
      '--number',
      'Q-2026-000001',
      '--out',
      join(dir, 'x.pdf'),
      ...extra,
    ]);
    expect(result.code).toBe(2);
    expect(result.err).toContain(`give no ${named}`);
  });
});

function addDaysTo(date: Date, days: number): string {
  return new Date(date.getTime() + days * 24 * 60 * 60 * 1000).toISOString();
}
