/** Days and years as the business counts them: in China, where proposals are dated. */
import {
  DIALECTS,
  REQUESTS,
  TestClock,
  announceSkippedPostgres,
  startTestService,
  type TestService,
} from './support';

announceSkippedPostgres('quote numbers and list filters on China’s calendar');

describe.each(DIALECTS)('the business calendar over HTTP (%s)', (dialect) => {
  let service: TestService;
  beforeEach(async () => {
    service = await startTestService({
      dialect,
      clock: new TestClock(new Date('2026-11-26T15:59:59.999Z')),
    });
  });
  afterEach(() => service.close());

  const createAt = async (instant: string) => {
    service.clock.now = new Date(instant);
    const response = await service.call('POST', '/api/quotes', {
      as: 'am1',
      body: REQUESTS.ENT0002(),
    });
    expect(response.status).toBe(201);
    return response.body as { number: string; createdAt: string };
  };

  it('numbers a quote in the year it is created in China', async () => {
    const lastOf2026 = await createAt('2026-12-31T15:59:59.999Z'); // 23:59:59.999 in Beijing
    const firstOf2027 = await createAt('2026-12-31T16:00:00.000Z'); // 00:00 on 1 January
    const secondOf2027 = await createAt('2027-01-01T02:00:00.000Z');
    expect([lastOf2026.number, firstOf2027.number, secondOf2027.number]).toEqual([
      'Q-2026-000001',
      'Q-2027-000001',
      'Q-2027-000002',
    ]);
  });

  it('reads a date in a list filter as the whole day in China', async () => {
    const created = [
      await createAt('2026-11-26T15:59:59.999Z'), // 26 November, 23:59:59.999 in Beijing
      await createAt('2026-11-26T16:00:00.000Z'), // 27 November, 00:00
      await createAt('2026-11-27T15:59:59.999Z'), // 27 November, 23:59:59.999
      await createAt('2026-11-27T16:00:00.000Z'), // 28 November, 00:00
    ].map((quote) => quote.number);
    const listed = async (query: string) => {
      const response = await service.call('GET', `/api/quotes?${query}`, { as: 'fd' });
      expect(response.status).toBe(200);
      return (response.body.items as { number: string }[]).map((item) => item.number).sort();
    };
    expect(await listed('createdFrom=2026-11-27&createdTo=2026-11-27')).toEqual(
      created.slice(1, 3),
    );
    expect(await listed('createdTo=2026-11-26')).toEqual(created.slice(0, 1));
    expect(await listed('createdFrom=2026-11-28')).toEqual(created.slice(3));
    // A date-time is the instant it names, whatever its offset.
    expect(
      await listed('createdFrom=2026-11-27T00:00:00%2B08:00&createdTo=2026-11-27T16:00:00Z'),
    ).toEqual(created.slice(1));
  });
});
