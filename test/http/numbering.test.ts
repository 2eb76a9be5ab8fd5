/** Quote numbers under concurrency, and Idempotency-Key retries, on every store. */
import { pino } from 'pino';
import { startServer } from '../../src/serve/server';
import { quoteViewSchema } from '../../src/http/schemas';
import { openStore } from '../../src/store';
import {
  DIALECTS,
  REQUESTS,
  announceSkippedPostgres,
  startTestService,
  type TestService,
} from './support';

announceSkippedPostgres('numbering and idempotency over HTTP');

const sequenceOf = (number: string) => Number(number.slice('Q-2026-'.length));

describe.each(DIALECTS)('numbering and idempotency (%s)', (dialect) => {
  let service: TestService;
  beforeEach(async () => {
    service = await startTestService({ dialect });
  });
  afterEach(() => service.close());

  it('100 parallel creates get 100 distinct, consecutive numbers', async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, index) =>
        service.call('POST', '/api/quotes', {
          as: index % 2 === 0 ? 'am1' : 'am2',
          body: {
            ...REQUESTS.ENT0002(),
            enterprise: { ...REQUESTS.ENT0002().enterprise, id: `ENT-PAR-${index}` },
          },
        }),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(100).fill(201));
    const numbers = responses.map((response) => quoteViewSchema.parse(response.body).number);
    expect(new Set(numbers).size).toBe(100);
    const sequences = numbers.map(sequenceOf).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 100 }, (_, index) => sequences[0]! + index));
    expect(sequences[0]).toBe(1);
    // Each number holds the request that got it.
    for (const [index, response] of responses.entries()) {
      const stored = await service.call('GET', `/api/quotes/${response.body.number}`, {
        as: 'admin',
      });
      expect(stored.body.enterpriseId).toBe(`ENT-PAR-${index}`);
    }
  });

  it('a sequential retry with the same Idempotency-Key returns the same quote and stores nothing twice', async () => {
    const headers = { 'Idempotency-Key': 'retry-7b2f0c8e' };
    const first = await service.call('POST', '/api/quotes', {
      as: 'am1',
      body: REQUESTS.ENT0001(),
      headers,
    });
    expect(first.status).toBe(201);
    service.clock.advanceDays(0, 5_000);
    const retry = await service.call('POST', '/api/quotes', {
      as: 'am1',
      body: REQUESTS.ENT0001(),
      headers,
    });
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toEqual(first.body);
    const list = await service.call('GET', '/api/quotes', { as: 'admin' });
    expect(list.body.total).toBe(1);
    const audit = await service.call('GET', `/api/audit?quoteNumber=${first.body.number}`, {
      as: 'auditor',
    });
    expect(
      audit.body.items.filter((entry: { action: string }) => entry.action === 'quote.created'),
    ).toHaveLength(1);
  });

  it('20 concurrent retries with one key store one quote and all answer with it', async () => {
    const headers = { 'Idempotency-Key': 'burst-5d1e' };
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        service.call('POST', '/api/quotes', { as: 'am1', body: REQUESTS.ENT0003(), headers }),
      ),
    );
    expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
    expect(responses.filter((response) => response.status === 200)).toHaveLength(19);
    const numbers = new Set(responses.map((response) => response.body.number));
    expect(numbers.size).toBe(1);
    for (const response of responses) expect(response.body).toEqual(responses[0]!.body);
    const list = await service.call('GET', '/api/quotes', { as: 'admin' });
    expect(list.body.total).toBe(1);
  });

  it('a key is per user, and reusing one for a different request is a 409', async () => {
    const headers = { 'Idempotency-Key': 'shared-key-1' };
    const mine = await service.call('POST', '/api/quotes', {
      as: 'am1',
      body: REQUESTS.ENT0001(),
      headers,
    });
    const theirs = await service.call('POST', '/api/quotes', {
      as: 'am2',
      body: REQUESTS.ENT0001(),
      headers,
    });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    expect(theirs.body.number).not.toBe(mine.body.number);

    const different = await service.call('POST', '/api/quotes', {
      as: 'am1',
      body: REQUESTS.ENT0002(),
      headers,
    });
    expect(different.status).toBe(409);
    expect(different.body.error.kind).toBe('conflict');
    expect(different.body.error.message).toContain(mine.body.number);
    const list = await service.call('GET', '/api/quotes', { as: 'admin' });
    expect(list.body.total).toBe(2);
  });

  it('an ineligible request stores nothing, with or without a key', async () => {
    const refused = {
      ...REQUESTS.ENT0002(),
      enterprise: { ...REQUESTS.ENT0002().enterprise, creditRating: 'C' },
    };
    for (const headers of [{}, { 'Idempotency-Key': 'refused-1' }] as Record<string, string>[]) {
      const response = await service.call('POST', '/api/quotes', {
        as: 'am1',
        body: refused,
        headers,
      });
      expect(response.status).toBe(422);
      expect(response.body.error.kind).toBe('ineligible');
      expect(response.body.error.reasons).toEqual([
        'credit rating C is not eligible for a group plan',
      ]);
    }
    const list = await service.call('GET', '/api/quotes', { as: 'admin' });
    expect(list.body.total).toBe(0);
  });

  it('two service instances on one database share one gap-free sequence', async () => {
    // A second service with its own store connection (its own pool, for PostgreSQL).
    const secondStore = await openStore(
      service.databaseUrl
        ? { databaseUrl: service.databaseUrl }
        : { sqlitePath: service.sqlitePath! },
    );
    const second = await startServer({
      store: secondStore,
      ruleSet: service.ruleSet,
      clock: service.clock.read,
      logger: pino({ level: 'silent' }),
    });
    try {
      const create = (url: string, index: number) =>
        fetch(`${url}/api/quotes`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${service.users.am1.token}`,
            'content-type': 'application/json',
          },
          body: JSON.stringify({
            ...REQUESTS.ENT0002(),
            enterprise: { ...REQUESTS.ENT0002().enterprise, id: `ENT-TWO-${index}` },
          }),
        }).then(async (response) => ({ status: response.status, body: await response.json() }));
      const responses = await Promise.all(
        Array.from({ length: 60 }, (_, index) =>
          create(index % 2 === 0 ? service.url : second.url, index),
        ),
      );
      expect(responses.map((response) => response.status)).toEqual(Array(60).fill(201));
      const sequences = responses
        .map((response) => sequenceOf(response.body.number))
        .sort((a, b) => a - b);
      expect(sequences).toEqual(Array.from({ length: 60 }, (_, index) => index + 1));
    } finally {
      await second.close();
      await secondStore.close();
    }
  });

  it('a malformed Idempotency-Key is a 400 naming the header', async () => {
    const response = await service.call('POST', '/api/quotes', {
      as: 'am1',
      body: REQUESTS.ENT0001(),
      headers: { 'Idempotency-Key': 'x'.repeat(201) },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.issues).toEqual([
      { path: 'header.Idempotency-Key', message: expect.stringContaining('200') },
    ]);
  });
});
