/**
 * `quote rules coverage`: every rule with the number of cases (or stored quotes) it fired in,
 * the never-fired first. Cases come from the fixture; stored quotes from a test database named
 * the way the service's is (GROUPQUOTE_DB, or DATABASE_URL for PostgreSQL).
 */
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { priceRequest } from '../../src/pricing/price';
import { parseQuoteRequest } from '../../src/rules/request';
import { openStore } from '../../src/store/open';
import { runQuote } from '../support/cli';
import { FIXTURE_RULES_DIR, fixtureRuleSet } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';
import {
  createTestDatabase,
  describeEachDialect,
  newQuote,
  saveCurrentRuleSet,
  type TestDatabase,
} from '../store/support';

interface Coverage {
  ruleSetHash: string;
  source: string;
  quotes: number;
  neverFired: number;
  rules: { rule: string; file: string; fired: number }[];
}

const ruleCount = () => {
  const ruleSet = fixtureRuleSet();
  return ruleSet.rulesByPhase.offer.length + ruleSet.rulesByPhase.approval.length;
};

/** A case directory holding one worked example, expecting nothing in particular. */
function oneCaseDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gq-cases-'));
  writeFileSync(
    join(dir, 'ENT-0002.json'),
    JSON.stringify({ description: 'x', request: workedExample('ENT-0002').request, expect: {} }),
  );
  return dir;
}

describe('quote rules coverage (cases)', () => {
  it('prints every rule of the set as a table, the never-fired first', async () => {
    const result = await runQuote('rules', 'coverage', '--cases', oneCaseDir());
    expect(result.code).toBe(0);
    const out = result.out.split('\n');
    expect(out[0]).toMatch(/^1 cases in .*; (\d+) of (\d+) rules never fired$/);
    expect(out[2]).toMatch(/^rule\s+file\s+fired$/);
    const rows = out.slice(4).map((line) => line.split(/\s+/));
    expect(rows).toHaveLength(ruleCount());
    const fired = rows.map((row) => Number(row[2]));
    expect(fired).toEqual([...fired].sort((a, b) => a - b));
    expect(rows).toContainEqual(['tier-standard', 'tiers.rules.json', '1']);
    expect(rows).toContainEqual(['tier-strategic', 'tiers.rules.json', '0']);
  });

  it('counts the cases of RULES_DIR (the fixture here) by default, as JSON with --json', async () => {
    const result = await runQuote('rules', 'coverage', '--json');
    expect(result.code).toBe(0);
    const coverage = JSON.parse(result.out) as Coverage;
    expect(coverage).toMatchObject({
      ruleSetHash: fixtureRuleSet().hash,
      source: 'cases',
      quotes: readdirSync(join(FIXTURE_RULES_DIR, 'cases')).length,
    });
    expect(coverage.rules).toHaveLength(ruleCount());
    expect(coverage.neverFired).toBe(coverage.rules.filter((rule) => rule.fired === 0).length);
  });

  it('names a case it cannot price on stderr and counts the rest', async () => {
    const dir = oneCaseDir();
    writeFileSync(
      join(dir, 'bad.json'),
      JSON.stringify({ description: 'x', request: { lines: 1 }, expect: {} }),
    );
    const result = await runQuote('rules', 'coverage', '--cases', dir, '--json');
    expect(result.code).toBe(0);
    expect(result.err).toMatch(/^bad: skipped, cannot be priced/);
    expect((JSON.parse(result.out) as Coverage).quotes).toBe(1);
  });

  it('is bad usage with both --cases and --quotes', async () => {
    const result = await runQuote('rules', 'coverage', '--cases', 'x', '--quotes');
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/option '--quotes' cannot be used with option '--cases/);
  });
});

describeEachDialect('quote rules coverage --quotes', (dialect) => {
  let database: TestDatabase;
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    GROUPQUOTE_DB: process.env.GROUPQUOTE_DB,
  };

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    delete process.env.DATABASE_URL;
    delete process.env.GROUPQUOTE_DB;
    if (database.options.databaseUrl) process.env.DATABASE_URL = database.options.databaseUrl;
    else process.env.GROUPQUOTE_DB = database.options.sqlitePath;
  });
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await database.dispose();
  });

  test('counts the stored quotes each rule fired in', async () => {
    const ruleSet = fixtureRuleSet();
    const store = await openStore(database.options);
    try {
      await saveCurrentRuleSet(store);
      for (const id of ['ENT-0001', 'ENT-0001', 'ENT-0003'] as const) {
        const request = parseQuoteRequest(ruleSet.requestSchema, workedExample(id).request);
        const quote = await priceRequest(ruleSet, request);
        if (!quote.eligible) throw new Error(`${id} should be eligible`);
        await store.createQuote(await newQuote({ request, quote }));
      }
    } finally {
      await store.close();
    }
    const result = await runQuote('rules', 'coverage', '--quotes', '--json');
    expect(result.code).toBe(0);
    const coverage = JSON.parse(result.out) as Coverage;
    expect(coverage).toMatchObject({ source: 'quotes', quotes: 3 });
    const fired = Object.fromEntries(coverage.rules.map((rule) => [rule.rule, rule.fired]));
    expect(fired).toMatchObject({ 'tier-key': 2, 'tier-strategic': 1, 'tier-standard': 0 });

    const table = await runQuote('rules', 'coverage', '--quotes');
    expect(table.out).toMatch(/^3 stored quotes \(3 priced with this rule set\) in /);
  });
});
