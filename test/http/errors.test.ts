/**
 * Bad input over HTTP: every bad field named with its path, the right status for each failure,
 * never a 500 and never a stack trace.
 */
import fc from 'fast-check';
import { errorSchema } from '../../src/http/schemas';
import { REQUESTS, startTestService, type ApiResponse, type TestService } from './support';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

/** No response may carry a stack trace or a file path from the server. */
function expectNoInternals(response: ApiResponse): void {
  expect(response.text).not.toMatch(/\n\s+at |\.ts:\d+|node_modules|Error: /);
}

async function post(body: unknown) {
  const response = await service.call('POST', '/api/quotes', { as: 'am1', body });
  expectNoInternals(response);
  return response;
}

function issuesOf(response: ApiResponse): Record<string, string> {
  expect(response.status).toBe(400);
  const { error } = errorSchema.parse(response.body);
  expect(error.kind).toBe('invalid-input');
  return Object.fromEntries((error.issues ?? []).map((issue) => [issue.path, issue.message]));
}

const valid = REQUESTS.ENT0001;

describe('invalid quote requests → 400 naming each bad field', () => {
  it('lists every missing field at once', async () => {
    const { lines: _lines, usagePerLine, enterprise, ...rest } = valid();
    const { annualSpend: _spend, ...enterpriseWithoutSpend } = enterprise;
    const { dataGB: _data, ...usageWithoutData } = usagePerLine;
    const issues = issuesOf(
      await post({ ...rest, enterprise: enterpriseWithoutSpend, usagePerLine: usageWithoutData }),
    );
    expect(Object.keys(issues).sort()).toEqual([
      'enterprise.annualSpend',
      'lines',
      'usagePerLine.dataGB',
    ]);
    expect(issues.lines).toBe('is required');
  });

  it.each([
    ['lines: -3', { lines: -3, handsets: [] }, 'lines', 'at least 1'],
    ['lines: 2.5', { lines: 2.5 }, 'lines', 'whole number'],
    ['lines as text', { lines: '120' }, 'lines', 'whole number'],
    ['termMonths: 18', { termMonths: 18 }, 'termMonths', '12, 24, 36'],
    ['ringbackTone: "yes"', { ringbackTone: 'yes' }, 'ringbackTone', 'true or false'],
    ['an unknown field', { discount: '50' }, '(request)', 'discount'],
  ])('%s', async (_name, patch, path, message) => {
    const issues = issuesOf(await post({ ...valid(), ...patch }));
    expect(Object.keys(issues)).toContain(path);
    expect(issues[path]).toContain(message);
  });

  it.each([
    ['"12,5"', '12,5'],
    ['"NaN"', 'NaN'],
    ['"-1"', '-1'],
    ['"1e3"', '1e3'],
    ['a JSON number', 12.5],
  ])('a usage figure of %s', async (_name, dataGB) => {
    const issues = issuesOf(
      await post({ ...valid(), usagePerLine: { ...valid().usagePerLine, dataGB } }),
    );
    expect(Object.keys(issues)).toEqual(['usagePerLine.dataGB']);
    expect(issues['usagePerLine.dataGB']).toMatch(/decimal string/);
  });

  it('an annual spend of "12,5" is named by its path', async () => {
    const issues = issuesOf(
      await post({ ...valid(), enterprise: { ...valid().enterprise, annualSpend: '12,5' } }),
    );
    expect(Object.keys(issues)).toEqual(['enterprise.annualSpend']);
  });

  it('an unknown handset model', async () => {
    const issues = issuesOf(
      await post({ ...valid(), handsets: [{ model: 'PHONE-9000', quantity: 1 }] }),
    );
    expect(Object.keys(issues)).toEqual(['handsets.0.model']);
    expect(issues['handsets.0.model']).toContain('HX-5G-PRO');
  });

  it('more handsets than lines', async () => {
    const issues = issuesOf(
      await post({ ...valid(), lines: 20, handsets: [{ model: 'HX-5G-PRO', quantity: 21 }] }),
    );
    expect(Object.keys(issues)).toEqual(['handsets']);
    expect(issues.handsets).toContain('21 handsets for 20 lines');
  });

  it('several bad fields in one request are all reported', async () => {
    const issues = issuesOf(
      await post({
        ...valid(),
        lines: -3,
        enterprise: { ...valid().enterprise, creditRating: 'ZZ' },
        usagePerLine: { ...valid().usagePerLine, sms: 'NaN' },
        handsets: [{ model: 'NOPE', quantity: 0 }],
      }),
    );
    expect(Object.keys(issues).sort()).toEqual([
      'enterprise.creditRating',
      'handsets.0.model',
      'handsets.0.quantity',
      'lines',
      'usagePerLine.sms',
    ]);
  });

  it('preview validates the same way', async () => {
    const response = await service.call('POST', '/api/quotes/preview', {
      as: 'pm',
      body: { ...valid(), lines: -3, handsets: [] },
    });
    expect(issuesOf(response).lines).toBe('must be at least 1');
  });

  it('stores nothing for any of them', async () => {
    const list = await service.call('GET', '/api/quotes', { as: 'admin' });
    expect(list.body.total).toBe(0);
  });
});

describe('malformed and oversized bodies', () => {
  it('malformed JSON → 400', async () => {
    const response = await service.call('POST', '/api/quotes', { as: 'am1', raw: '{"lines": 12,' });
    expectNoInternals(response);
    expect(Object.keys(issuesOf(response))).toEqual(['(request)']);
    expect(response.body.error.message).toBe('the request body is not valid JSON');
  });

  it('a JSON body that is not an object → 400', async () => {
    for (const raw of ['[]', '"text"', 'null']) {
      const response = await service.call('POST', '/api/quotes', { as: 'am1', raw });
      expect(response.status).toBe(400);
      expectNoInternals(response);
    }
  });

  it('no JSON content type → 400 saying so', async () => {
    const response = await service.call('POST', '/api/quotes', {
      as: 'am1',
      raw: JSON.stringify(valid()),
      headers: { 'content-type': 'text/plain' },
    });
    expect(issuesOf(response)['(request)']).toContain('Content-Type: application/json');
  });

  it('a body over 64 kB → 413', async () => {
    const body = { ...valid(), padding: 'x'.repeat(70 * 1024) };
    const response = await service.call('POST', '/api/quotes', { as: 'am1', body });
    expect(response.status).toBe(413);
    expect(response.body.error.kind).toBe('payload-too-large');
    expectNoInternals(response);
  });

  it('a malformed comment on a transition → 400', async () => {
    const created = await service.call('POST', '/api/quotes', { as: 'am1', body: valid() });
    const response = await service.call('POST', `/api/quotes/${created.body.number}/submit`, {
      as: 'am1',
      body: { comment: 42, extra: true },
    });
    expect(Object.keys(issuesOf(response)).sort()).toEqual(['(request)', 'comment']);
  });
});

describe('query strings, parameters and unknown things', () => {
  it.each([
    ['limit=0', 'query.limit'],
    ['limit=201', 'query.limit'],
    ['limit=abc', 'query.limit'],
    ['limit=1e2', 'query.limit'],
    ['offset=-1', 'query.offset'],
    ['state=lost', 'query.state'],
    ['approvalLevel=ceo', 'query.approvalLevel'],
    ['createdFrom=yesterday', 'query.createdFrom'],
    ['createdFrom=2026-12-01&createdTo=2026-11-01', 'query.createdTo'],
    ['colour=red', 'query'],
    ['state=draft&state=issued', 'query.state'],
  ])('GET /api/quotes?%s → 400 naming %s', async (query, path) => {
    const response = await service.call('GET', `/api/quotes?${query}`, { as: 'fd' });
    expectNoInternals(response);
    expect(Object.keys(issuesOf(response))).toEqual([path]);
  });

  it('filters and pages what it lists', async () => {
    const all = await service.call('GET', '/api/quotes?limit=200', { as: 'fd' });
    for (let i = 0; i < 3; i++)
      await service.call('POST', '/api/quotes', { as: 'am2', body: REQUESTS.ENT0002() });
    const page = await service.call(
      'GET',
      `/api/quotes?enterpriseId=ENT-0002&accountManagerId=${service.users.am2.id}&state=draft&approvalLevel=auto&createdFrom=2026-11-27&createdTo=2026-11-27T23:59:59%2B08:00&limit=2&offset=1`,
      { as: 'fd' },
    );
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(3);
    expect(page.body.items).toHaveLength(2);
    expect(page.body).toMatchObject({ limit: 2, offset: 1 });
    const none = await service.call('GET', '/api/quotes?createdFrom=2026-11-28', { as: 'fd' });
    expect(none.body.total).toBe(0);
    expect(all.body.total + 3).toBe(
      (await service.call('GET', '/api/quotes', { as: 'fd' })).body.total,
    );
  });

  it.each([
    ['GET', '/api/quotes/Q-26-1', 400],
    ['GET', '/api/quotes/Q-2026-999999', 404],
    ['GET', '/api/quotes/Q-2026-999999/replay', 404],
    ['POST', '/api/quotes/Q-2026-999999/approve', 404],
    ['POST', '/api/quotes/Q-2026-000001/teleport', 404],
    ['GET', '/api/rulesets/not-a-hash', 400],
    ['GET', `/api/rulesets/${'0'.repeat(64)}`, 404],
    ['GET', '/api/audit?quoteNumber=nope', 400],
    ['DELETE', '/api/quotes/Q-2026-000001', 404],
    ['GET', '/api/nothing-here', 404],
    ['GET', '/elsewhere', 404],
  ])('%s %s → %s', async (method, path, status) => {
    const response = await service.call(method, path, { as: 'fd' });
    expect(response.status).toBe(status);
    errorSchema.parse(response.body);
    expectNoInternals(response);
  });

  it('an ineligible request → 422 with the reasons', async () => {
    const response = await post({
      ...valid(),
      enterprise: { ...valid().enterprise, creditRating: 'C' },
    });
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      kind: 'ineligible',
      reasons: ['credit rating C is not eligible for a group plan'],
    });
  });
});

describe('request ids', () => {
  it('echoes a sensible X-Request-Id and makes one up otherwise, also on errors', async () => {
    const echoed = await service.call('GET', '/api/health', {
      headers: { 'X-Request-Id': 'trace-42.a' },
    });
    expect(echoed.headers.get('x-request-id')).toBe('trace-42.a');
    const made = await service.call('GET', '/api/quotes');
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(made.body.error.requestId).toBe(made.headers.get('x-request-id'));
    const forged = await service.call('GET', '/api/health', {
      headers: { 'X-Request-Id': 'x'.repeat(300) },
    });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('never a 500', () => {
  it('answers 201, 400 or 422 for any JSON body at all', async () => {
    const anyValue = fc.oneof(
      fc.jsonValue(),
      fc.record({
        enterprise: fc.oneof(fc.jsonValue(), fc.constant(valid().enterprise)),
        termMonths: fc.oneof(fc.constantFrom(12, 24, 36), fc.jsonValue()),
        lines: fc.oneof(fc.integer({ min: -5, max: 3000 }), fc.jsonValue()),
        usagePerLine: fc.oneof(
          fc.constant(valid().usagePerLine),
          fc.dictionary(fc.string(), fc.string()),
        ),
        ringbackTone: fc.oneof(fc.boolean(), fc.jsonValue()),
        handsets: fc.array(
          fc.record({
            model: fc.constantFrom('HX-5G-PRO', 'HX-5G-LITE', 'X'),
            quantity: fc.integer({ min: -2, max: 500 }),
          }),
          { maxLength: 3 },
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(anyValue, async (body) => {
        const response = await service.call('POST', '/api/quotes/preview', {
          as: 'pm',
          raw: JSON.stringify(body),
        });
        expect([200, 400, 422]).toContain(response.status);
        expectNoInternals(response);
      }),
      { numRuns: 150, seed: 20261127 },
    );
  });
});

describe('a store that does not answer', () => {
  it('GET /api/health → 503 unavailable', async () => {
    const broken = await startTestService();
    await broken.store.close();
    try {
      const response = await broken.call('GET', '/api/health');
      expect(response.status).toBe(503);
      expect(response.body.error.kind).toBe('unavailable');
      expectNoInternals(response);
    } finally {
      await broken.close().catch(() => undefined);
    }
  });
});
