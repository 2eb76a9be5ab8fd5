/**
 * `quote rulesets` as a pricing analyst uses it over the service's store (SQLite here; the store
 * itself is tested on both databases): push refuses a broken directory with every problem named
 * and exit 1, prints the hash of a good one, and is idempotent; diff in words; four eyes on
 * publish; rollback; who acts comes from QUOTE_TOKEN or direct access.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateToken, hashToken, openStore } from '../../src/store';
import { runQuote } from '../support/cli';
import { copyRulesDir, editFile } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

const dir = mkdtempSync(join(tmpdir(), 'groupquote-rulesets-cli-'));
const database = join(dir, 'store.sqlite');
const saved = { db: process.env.GROUPQUOTE_DB, url: process.env.DATABASE_URL };
const tokens: Record<'analyst' | 'accountManager', string> = { analyst: '', accountManager: '' };

beforeAll(async () => {
  process.env.GROUPQUOTE_DB = database;
  delete process.env.DATABASE_URL;
  const store = await openStore({ sqlitePath: database });
  for (const [key, role] of [
    ['analyst', 'pricing-manager'],
    ['accountManager', 'account-manager'],
  ] as const) {
    tokens[key] = generateToken();
    await store.createUser({
      id: key,
      // A name unlike the id, so that what shows the name cannot be showing the id.
      name: key === 'analyst' ? '李定价' : '王客户',
      role,
      tokenHash: hashToken(tokens[key]),
      createdAt: new Date().toISOString(),
    });
  }
  await store.close();
});

afterAll(() => {
  for (const [name, value] of [
    ['GROUPQUOTE_DB', saved.db],
    ['DATABASE_URL', saved.url],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  delete process.env.QUOTE_TOKEN;
  rmSync(dir, { recursive: true, force: true });
});

/** Runs `quote …` as the holder of `token`, or with direct store access when none. */
async function quoteAs(token: string | undefined, ...argv: string[]) {
  if (token) process.env.QUOTE_TOKEN = token;
  else delete process.env.QUOTE_TOKEN;
  return runQuote(...argv);
}

/** The fixture with long distance 40 % off for key accounts, and a case that still holds. */
function deeperLongDistanceDir(): { rules: string; cases: string } {
  const rules = copyRulesDir();
  editFile(rules, 'long-distance.rules.json', (text) =>
    text.replace('"percent": "35"', '"percent": "40"'),
  );
  const cases = join(rules, 'tier-cases');
  mkdirSync(cases);
  writeFileSync(
    join(cases, 'ent-0001-is-key.json'),
    JSON.stringify({
      description: 'ENT-0001 is a key account',
      request: workedExample('ENT-0001').request,
      expect: { tier: 'key' },
    }),
  );
  return { rules, cases };
}

describe('quote rulesets', () => {
  let first: string;
  let second: string;

  test('push prints the hash of a clean directory whose cases pass, and pushing it again stores nothing', async () => {
    const rules = copyRulesDir();
    const pushed = await quoteAs(tokens.analyst, 'rulesets', 'push', rules, '--note', 'the book');
    expect(pushed).toMatchObject({ code: 0 });
    expect(pushed.out).toMatch(/^[0-9a-f]{64}$/);
    expect(pushed.err).toMatch(/pushed .* as a draft \(7 case\(s\) passed\)/);
    first = pushed.out;
    const again = await quoteAs(tokens.analyst, 'rulesets', 'push', rules, '--note', 'again');
    expect(again).toMatchObject({ code: 0, out: first });
    expect(again.err).toMatch(/already stored \(draft\)/);
  });

  test('push refuses failing cases and verifier errors with exit 1, naming each', async () => {
    const failing = copyRulesDir();
    editFile(failing, 'long-distance.rules.json', (text) =>
      text.replace('"percent": "35"', '"percent": "40"'),
    );
    const refused = await quoteAs(tokens.analyst, 'rulesets', 'push', failing, '--note', 'x');
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toContain('ENT-0001 › items.LD_MIN.discount: expected 756.00, got 864.00');
    expect(refused.err).toMatch(/refused: 3 of 7 case\(s\) failed/);

    const faulty = copyRulesDir();
    editFile(faulty, 'long-distance.rules.json', (text) =>
      text.replace('"percent": "50"', '"percent": "99"'),
    );
    const faulted = await quoteAs(tokens.analyst, 'rulesets', 'push', faulty, '--note', 'x');
    expect(faulted.code).toBe(1);
    expect(faulted.err).toMatch(
      /^long-distance\.rules\.json:\d+:\d+: error: percent-off rules can fire together/m,
    );
    expect((await quoteAs(tokens.analyst, 'rulesets', 'push', faulty)).code).toBe(2);
  });

  test('diff says what changed; publish holds four eyes; rollback goes back', async () => {
    const edited = deeperLongDistanceDir();
    const pushed = await quoteAs(
      tokens.analyst,
      'rulesets',
      'push',
      edited.rules,
      '--cases',
      edited.cases,
      '--note',
      'long distance 40 %',
    );
    expect(pushed.code).toBe(0);
    second = pushed.out;
    const diff = await quoteAs(undefined, 'rulesets', 'diff', first.slice(0, 10), second);
    expect(diff).toMatchObject({ code: 0, out: 'long-distance-key: percent 35 → 40' });

    const own = await quoteAs(tokens.analyst, 'rulesets', 'publish', second, '--note', 'mine');
    expect(own.code).toBe(1);
    expect(own.err).toMatch(/four eyes: you pushed rule set/);
    // Whoever reaches the store directly acts as cli:<login>, not the analyst.
    expect(
      (await quoteAs(undefined, 'rulesets', 'publish', first, '--note', 'the book first')).out,
    ).toBe(`published ${first}: live now, replacing none`);
    expect((await quoteAs(undefined, 'rulesets', 'publish', second, '--note', '40 %')).out).toBe(
      `published ${second}: live now, replacing ${first}`,
    );
    const live = await quoteAs(undefined, 'rulesets', 'show', 'live');
    expect(live.out).toContain(`rule set ${second}`);
    expect(live.out).toContain('state:   published (live)');

    expect((await quoteAs(tokens.analyst, 'rulesets', 'rollback', '--note', 'back')).out).toBe(
      `rolled back to ${first}: live now, replacing ${second}`,
    );
    const list = await quoteAs(undefined, 'rulesets', 'list');
    expect(list.out).toMatch(new RegExp(`${first}\\s+published \\(live\\)`));
    expect(list.out).toMatch(new RegExp(`${second}\\s+retired`));
  });

  test('list and show name the author and publisher as the users table does, not by id', async () => {
    const list = await quoteAs(undefined, 'rulesets', 'list');
    expect(list.out).toMatch(
      new RegExp(`${second}\\s+retired\\s+\\S+\\s+李定价\\s+long distance 40 %`),
    );
    expect(list.out).not.toMatch(/\banalyst\b/);
    const shown = await quoteAs(undefined, 'rulesets', 'show', second);
    expect(shown.out).toContain('author:  李定价');
    expect(shown.out).toContain('created: ');
    expect(shown.out).toMatch(/created: \S+ by 李定价/);
  });

  test('cancel calls off a scheduled publication before it is due; a second cancel is refused', async () => {
    const third = copyRulesDir();
    editFile(third, 'tariff.json', (text) =>
      text.replace('"validityDays": 30', '"validityDays": 40'),
    );
    const pushed = await quoteAs(
      tokens.analyst,
      'rulesets',
      'push',
      third,
      '--note',
      'validity 40',
    );
    expect(pushed.code).toBe(0);
    const hash = pushed.out;
    const due = new Date(Date.now() + 86_400_000).toISOString();
    const scheduled = await quoteAs(
      undefined,
      'rulesets',
      'publish',
      hash,
      '--note',
      'next week',
      '--effective-from',
      due,
    );
    expect(scheduled.out).toBe(`scheduled ${hash} to go live at ${due}`);
    expect((await quoteAs(tokens.analyst, 'rulesets', 'cancel', hash)).code).toBe(2);
    const cancelled = await quoteAs(tokens.analyst, 'rulesets', 'cancel', hash, '--note', 'no');
    expect(cancelled).toMatchObject({
      code: 0,
      out: `cancelled the publication of ${hash} scheduled for ${due}`,
    });
    const shown = await quoteAs(undefined, 'rulesets', 'show', hash);
    expect(shown.out).toContain('state:   draft\n');
    expect(shown.out).toMatch(new RegExp(`scheduled for ${due}, cancelled by 李定价 `));
    const again = await quoteAs(tokens.analyst, 'rulesets', 'cancel', hash, '--note', 'again');
    expect(again.code).toBe(1);
    expect(again.err).toContain(`rule set ${hash} has no scheduled publication to cancel`);
    expect(
      (await quoteAs(tokens.accountManager, 'rulesets', 'cancel', hash, '--note', 'x')).code,
    ).toBe(1);
  });

  test('an account manager may not read rule sets; an unknown token is refused', async () => {
    const refused = await quoteAs(tokens.accountManager, 'rulesets', 'list');
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/may not read rule sets/);
    expect((await quoteAs('gq_unknown', 'rulesets', 'list')).err).toMatch(/QUOTE_TOKEN/);
    expect((await quoteAs(undefined, 'rulesets', 'show', 'not-a-hash')).code).toBe(2);
  });
});
