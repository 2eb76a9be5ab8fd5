/** The tariff book's worked examples (§10) through POST /api/quotes, to the fen, on every store. */
import { customerQuoteSchema, pricedQuoteSchema, quoteViewSchema } from '../../src/http/schemas';
import { EXAMPLE_IDS, workedExample } from '../support/tariff-book';
import { DIALECTS, announceSkippedPostgres, startTestService, type TestService } from './support';

announceSkippedPostgres('worked examples over HTTP');

describe.each(DIALECTS)('worked examples through the API (%s)', (dialect) => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ dialect });
  });
  afterAll(() => service.close());

  it.each(EXAMPLE_IDS)('%s: stored, numbered, every figure equal to the fen', async (id) => {
    const { request, expected } = workedExample(id);
    const created = await service.call('POST', '/api/quotes', { as: 'am1', body: request });
    expect(created.status).toBe(201);
    const view = quoteViewSchema.parse(created.body);
    expect(view.number).toMatch(/^Q-2026-\d{6}$/);
    expect(created.headers.get('location')).toBe(`/api/quotes/${view.number}`);
    expect(view.state).toBe('draft');
    expect(view.ruleSetHash).toBe(service.ruleSet.hash);
    expect(view.accountManagerId).toBe(service.users.am1.id);
    expect(view.enterpriseId).toBe(id);
    // §9: valid for the tariff's validityDays from creation.
    expect(view.createdAt).toBe(service.clock.now.toISOString());
    expect(Date.parse(view.validUntil) - Date.parse(view.createdAt)).toBe(
      service.ruleSet.tariff.validityDays * 24 * 60 * 60 * 1000,
    );
    expect(view.approval.level).toBe(expected.internal.approval);

    // The account manager's copy carries the customer figures but no internal ones.
    const customerCopy = customerQuoteSchema.parse(view.quote);
    expect(customerCopy).not.toHaveProperty('internal');
    expect(view).not.toHaveProperty('marginPct');
    expect(customerCopy.tier).toBe(expected.tier);
    expect(customerCopy.totals).toMatchObject(expected.totals);
    expect(customerCopy.benefits).toMatchObject(expected.benefits);
    expect(customerCopy.items.map((item) => item.code).sort()).toEqual(
      expected.items.map((item) => item.code).sort(),
    );
    for (const item of expected.items) {
      expect(customerCopy.items.find((candidate) => candidate.code === item.code)).toMatchObject(
        item,
      );
    }

    // Finance reads the same stored quote with its internal figures, also to the fen.
    const read = await service.call('GET', `/api/quotes/${view.number}`, { as: 'fd' });
    expect(read.status).toBe(200);
    const full = pricedQuoteSchema.parse(quoteViewSchema.parse(read.body).quote);
    expect(full.internal).toMatchObject(expected.internal);
    expect(read.body.marginPct).toBe(expected.internal.marginPct);
    expect(read.body.contractValue).toBe(expected.totals.contractValue);
    expect({ ...full, internal: undefined, explanations: undefined }).toMatchObject({
      ...customerCopy,
      explanations: undefined,
    });
  });

  it.each(EXAMPLE_IDS)('%s: preview gives the same figures and stores nothing', async (id) => {
    const { request, expected } = workedExample(id);
    const before = await service.call('GET', '/api/quotes?limit=1', { as: 'admin' });
    const preview = await service.call('POST', '/api/quotes/preview', { as: 'pm', body: request });
    expect(preview.status).toBe(200);
    expect(preview.body.validityDays).toBe(30);
    const quote = pricedQuoteSchema.parse(preview.body.quote);
    expect(quote.totals).toMatchObject(expected.totals);
    expect(quote.internal).toMatchObject(expected.internal);
    const after = await service.call('GET', '/api/quotes?limit=1', { as: 'admin' });
    expect(after.body.total).toBe(before.body.total);
  });
});
