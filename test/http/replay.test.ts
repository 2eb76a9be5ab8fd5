/**
 * Replay: every stored quote priced again with its stored rule set equals the original, even
 * after the service has moved on to a different rule set; and GET /api/rulesets/:hash serves
 * exactly the files a quote was priced with.
 */
import fc from 'fast-check';
import { pino } from 'pino';
import { startServer } from '../../src/serve/server';
import { pricedQuoteSchema, replaySchema, ruleSetSchema } from '../../src/http/schemas';
import { compileRuleSet, ruleSetHash } from '../../src/rules/compile';
import { sampleSnapshot } from '../support/rule-set-copy';
import { eligibleRequest } from '../support/arbitraries';
import {
  DIALECTS,
  REQUESTS,
  announceSkippedPostgres,
  createQuote,
  editedRuleSet,
  startTestService,
  TestClock,
  type TestService,
} from './support';

announceSkippedPostgres('replay');

async function allQuoteNumbers(service: TestService): Promise<string[]> {
  const numbers: string[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await service.call('GET', `/api/quotes?limit=200&offset=${offset}`, {
      as: 'auditor',
    });
    numbers.push(...page.body.items.map((item: { number: string }) => item.number));
    if (numbers.length >= page.body.total) return numbers;
  }
}

describe.each(DIALECTS)('replay (%s)', (dialect) => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ dialect });
  });
  afterAll(() => service.close());

  it('replays every stored quote to exactly the stored figures, across a rule-set change', async () => {
    for (const request of [
      REQUESTS.ENT0001(),
      REQUESTS.ENT0002(),
      REQUESTS.ENT0003(),
      REQUESTS.pricingManager(),
      REQUESTS.lossMaking(),
    ]) {
      await createQuote(service, 'am1', request);
    }
    for (const request of fc.sample(eligibleRequest, { numRuns: 25, seed: 3 })) {
      await createQuote(service, 'am2', request);
    }
    const first = await createQuote(service, 'am1', REQUESTS.ENT0001());
    await service.call('POST', `/api/quotes/${first.number}/submit`, { as: 'am1' });

    // The service restarts with new prices on the same store: new quotes get the new rule set…
    const raised = editedRuleSet('prices.json', '"unitPrice": "38.00"', '"unitPrice": "42.00"');
    expect(raised.hash).not.toBe(service.ruleSet.hash);
    const next = await startServer({
      store: service.store,
      ruleSet: raised,
      logger: pino({ level: 'silent' }),
    });
    try {
      const created = await service.call('POST', '/api/quotes', {
        as: 'am1',
        body: REQUESTS.ENT0001(),
        at: next.url,
      });
      const newer = created.body;
      expect(created.status).toBe(201);
      expect(newer.ruleSetHash).toBe(raised.hash);
      expect(newer.quote.totals.monthlyNet).not.toBe(first.quote.totals.monthlyNet);
    } finally {
      await next.close();
    }

    // …and every quote, old or new, replays to what was stored, through either service.
    const numbers = await allQuoteNumbers(service);
    expect(numbers).toHaveLength(32);
    const hashes = new Set<string>();
    for (const number of numbers) {
      const stored = await service.call('GET', `/api/quotes/${number}`, { as: 'auditor' });
      const replay = replaySchema.parse(
        (await service.call('GET', `/api/quotes/${number}/replay`, { as: 'auditor' })).body,
      );
      expect({ number, equal: replay.equal, differences: replay.differences }).toEqual({
        number,
        equal: true,
        differences: [],
      });
      expect(pricedQuoteSchema.parse(replay.quote)).toEqual(stored.body.quote);
      expect(replay.ruleSetHash).toBe(stored.body.ruleSetHash);
      hashes.add(replay.ruleSetHash);
    }
    expect([...hashes].sort()).toEqual([service.ruleSet.hash, raised.hash].sort());

    // Each rule set is served exactly: the files hash to the quote's ruleSetHash.
    for (const [hash, source] of [
      [service.ruleSet.hash, service.ruleSet],
      [raised.hash, raised],
    ] as const) {
      const response = await service.call('GET', `/api/rulesets/${hash}`, { as: 'auditor' });
      const ruleSet = ruleSetSchema.parse(response.body);
      expect(ruleSetHash({ files: ruleSet.files })).toBe(hash);
      expect(ruleSet.files).toEqual(source.snapshot.files);
      expect(Object.keys(ruleSet.files)).toEqual(
        expect.arrayContaining(['prices.json', 'costs.json', 'tariff.json']),
      );
    }
  });

  it('reports the differing figures when a stored quote was changed behind the service', async () => {
    const { number } = await createQuote(service, 'am1', REQUESTS.ENT0002());
    await editStoredQuote(service, number, (quote) => {
      quote.totals.monthlyNet = '1.00';
      quote.internal.margin = '999999.99';
    });
    const asAuditor = replaySchema.parse(
      (await service.call('GET', `/api/quotes/${number}/replay`, { as: 'auditor' })).body,
    );
    expect(asAuditor.equal).toBe(false);
    expect(asAuditor.differences).toEqual(['internal.margin', 'totals.monthlyNet']);
    // An account manager learns that it differs, but not where the internal figures do.
    const asManager = replaySchema.parse(
      (await service.call('GET', `/api/quotes/${number}/replay`, { as: 'am1' })).body,
    );
    expect(asManager.equal).toBe(false);
    expect(asManager.differences).toEqual(['totals.monthlyNet']);
  });
});

describe('replay of a dated promotion', () => {
  it('prices again on the date the quote was priced, after the promotion has ended', async () => {
    const clock = new TestClock(new Date('2027-03-15T02:00:00.000Z'));
    const service = await startTestService({ clock });
    const snapshot = sampleSnapshot();
    snapshot.files['promotion.rules.json'] = {
      phase: 'offer',
      rules: [
        {
          name: 'march-data-promotion',
          priority: 5,
          validFrom: '2027-03-01',
          validTo: '2027-03-31',
          conditions: { all: [] },
          event: { type: 'percent-off', params: { item: 'DATA_GB', percent: '20' } },
        },
      ],
    };
    const compiled = compileRuleSet(snapshot);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    const promotion = compiled.ruleSet;
    await service.store.saveRuleSet(
      promotion.hash,
      promotion.snapshot,
      'system',
      clock.now.toISOString(),
    );
    const server = await startServer({
      store: service.store,
      ruleSet: promotion,
      clock: clock.read,
      logger: pino({ level: 'silent' }),
    });
    try {
      const created = await service.call('POST', '/api/quotes', {
        as: 'am1',
        body: REQUESTS.ENT0001(),
        at: server.url,
      });
      expect(created.status).toBe(201);
      const quote = pricedQuoteSchema.parse(
        (await service.call('GET', `/api/quotes/${created.body.number}`, { as: 'auditor' })).body
          .quote,
      );
      // 10:00 in Beijing on 15 March: the China date, not UTC's.
      expect(quote.quoteDate).toBe('2027-03-15');
      expect(quote.explanations.items.DATA_GB?.map((rule) => rule.rule)).toEqual([
        'march-data-promotion',
      ]);

      clock.advanceDays(60);
      const replay = replaySchema.parse(
        (
          await service.call('GET', `/api/quotes/${created.body.number}/replay`, {
            as: 'auditor',
            at: server.url,
          })
        ).body,
      );
      expect({ equal: replay.equal, differences: replay.differences }).toEqual({
        equal: true,
        differences: [],
      });
      // A new quote on today's date no longer gets the promotion.
      const later = await service.call('POST', '/api/quotes/preview', {
        as: 'am1',
        body: REQUESTS.ENT0001(),
        at: server.url,
      });
      expect(later.body.quote.quoteDate).toBe('2027-05-14');
      expect(later.body.quote.explanations.items.DATA_GB).toEqual([]);
    } finally {
      await server.close();
      await service.close();
    }
  });
});

/** Rewrites a stored quote's JSON directly in the database, as an intruder would. */
async function editStoredQuote(
  service: TestService,
  number: string,
  edit: (quote: { totals: Record<string, string>; internal: Record<string, string> }) => void,
): Promise<void> {
  if (service.dialect === 'sqlite') {
    const { default: Database } = await import('better-sqlite3');
    const database = new Database(service.sqlitePath!);
    const row = database.prepare('select quote from quotes where number = ?').get(number) as {
      quote: string;
    };
    const quote = JSON.parse(row.quote);
    edit(quote);
    database
      .prepare('update quotes set quote = ? where number = ?')
      .run(JSON.stringify(quote), number);
    database.close();
    return;
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: service.databaseUrl! });
  await client.connect();
  const { rows } = await client.query('select quote::text as quote from quotes where number = $1', [
    number,
  ]);
  const quote = JSON.parse(rows[0].quote);
  edit(quote);
  await client.query('update quotes set quote = $1 where number = $2', [
    JSON.stringify(quote),
    number,
  ]);
  await client.end();
}
