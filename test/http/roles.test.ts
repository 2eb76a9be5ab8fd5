/**
 * Who may do what, route by route and role by role. The expected statuses are written out here
 * on purpose, not read from the policy table, so that a change to the policy fails this test.
 */
import { quoteViewSchema } from '../../src/http/schemas';
import {
  DIALECTS,
  REQUESTS,
  announceSkippedPostgres,
  createQuote,
  startTestService,
  type TestService,
  type UserKey,
} from './support';

announceSkippedPostgres('role × route matrix');

type Who = 'nobody' | 'bad-token' | UserKey;
const WHO: readonly Who[] = ['nobody', 'bad-token', 'am1', 'am2', 'pm', 'fd', 'auditor', 'admin'];

/** The state the route's quote (owned by am1) must be in for the call to succeed. */
type Setup = 'draft' | 'pending' | 'approved' | 'issued' | 'none';

interface RouteCase {
  method: 'GET' | 'POST';
  path: (quote: string, ruleSetHash: string) => string;
  setup: Setup;
  body?: unknown;
  /** nobody, bad-token, am1 (owner), am2 (another manager), pm, fd, auditor, admin */
  expect: [number, number, number, number, number, number, number, number];
}

const MATRIX: Record<string, RouteCase> = {
  'GET /api/health': {
    method: 'GET',
    path: () => '/api/health',
    setup: 'none',
    expect: [200, 200, 200, 200, 200, 200, 200, 200],
  },
  'GET /api/openapi.json': {
    method: 'GET',
    path: () => '/api/openapi.json',
    setup: 'none',
    expect: [200, 200, 200, 200, 200, 200, 200, 200],
  },
  'GET /api/docs': {
    method: 'GET',
    path: () => '/api/docs',
    setup: 'none',
    expect: [200, 200, 200, 200, 200, 200, 200, 200],
  },
  'POST /api/quotes/preview': {
    method: 'POST',
    path: () => '/api/quotes/preview',
    setup: 'none',
    body: REQUESTS.ENT0002(),
    expect: [401, 401, 200, 200, 200, 200, 403, 200],
  },
  'POST /api/quotes': {
    method: 'POST',
    path: () => '/api/quotes',
    setup: 'none',
    body: REQUESTS.ENT0002(),
    expect: [401, 401, 201, 201, 403, 403, 403, 201],
  },
  'GET /api/quotes': {
    method: 'GET',
    path: () => '/api/quotes',
    setup: 'none',
    expect: [401, 401, 200, 200, 200, 200, 200, 200],
  },
  'GET /api/quotes/:number': {
    method: 'GET',
    path: (quote) => `/api/quotes/${quote}`,
    setup: 'draft',
    expect: [401, 401, 200, 404, 200, 200, 200, 200],
  },
  'GET /api/quotes/:number/replay': {
    method: 'GET',
    path: (quote) => `/api/quotes/${quote}/replay`,
    setup: 'draft',
    expect: [401, 401, 200, 404, 200, 200, 200, 200],
  },
  // A draft prints as a draft-marked customer copy for everyone who may read the quote.
  'GET /api/quotes/:number/proposal.pdf': {
    method: 'GET',
    path: (quote) => `/api/quotes/${quote}/proposal.pdf`,
    setup: 'draft',
    expect: [401, 401, 200, 404, 200, 200, 200, 200],
  },
  // Internal figures: the owner is told no (403), another manager learns nothing (404).
  'GET /api/quotes/:number/deal-sheet.pdf': {
    method: 'GET',
    path: (quote) => `/api/quotes/${quote}/deal-sheet.pdf?lang=en`,
    setup: 'draft',
    expect: [401, 401, 403, 404, 200, 200, 200, 200],
  },
  'POST /api/quotes/:number/submit': {
    method: 'POST',
    path: (quote) => `/api/quotes/${quote}/submit`,
    setup: 'draft',
    expect: [401, 401, 200, 404, 403, 403, 403, 200],
  },
  // A pricing-manager-level quote: a pricing manager or a finance director decides it (§8);
  // admin may not (separation of duties), nor may account managers.
  'POST /api/quotes/:number/approve': {
    method: 'POST',
    path: (quote) => `/api/quotes/${quote}/approve`,
    setup: 'pending',
    body: { comment: 'margin acceptable' },
    expect: [401, 401, 403, 403, 200, 200, 403, 403],
  },
  'POST /api/quotes/:number/reject': {
    method: 'POST',
    path: (quote) => `/api/quotes/${quote}/reject`,
    setup: 'pending',
    expect: [401, 401, 403, 403, 200, 200, 403, 403],
  },
  'POST /api/quotes/:number/issue': {
    method: 'POST',
    path: (quote) => `/api/quotes/${quote}/issue`,
    setup: 'approved',
    expect: [401, 401, 200, 404, 403, 403, 403, 200],
  },
  'POST /api/quotes/:number/accept': {
    method: 'POST',
    path: (quote) => `/api/quotes/${quote}/accept`,
    setup: 'issued',
    expect: [401, 401, 200, 404, 403, 403, 403, 200],
  },
  'POST /api/quotes/:number/decline': {
    method: 'POST',
    path: (quote) => `/api/quotes/${quote}/decline`,
    setup: 'issued',
    expect: [401, 401, 200, 404, 403, 403, 403, 200],
  },
  'POST /api/quotes/:number/withdraw': {
    method: 'POST',
    path: (quote) => `/api/quotes/${quote}/withdraw`,
    setup: 'pending',
    expect: [401, 401, 200, 404, 403, 403, 403, 200],
  },
  // A revision is the owner's deal too; it is created for the quote's account manager.
  'POST /api/quotes/:number/revise': {
    method: 'POST',
    path: (quote) => `/api/quotes/${quote}/revise`,
    setup: 'pending',
    body: REQUESTS.pricingManager(),
    expect: [401, 401, 201, 404, 403, 403, 403, 201],
  },
  'GET /api/rulesets/:hash': {
    method: 'GET',
    path: (_quote, hash) => `/api/rulesets/${hash}`,
    setup: 'none',
    expect: [401, 401, 403, 403, 200, 200, 200, 200],
  },
  'GET /api/audit': {
    method: 'GET',
    path: () => '/api/audit',
    setup: 'none',
    expect: [401, 401, 403, 403, 403, 200, 200, 200],
  },
  'GET /api/audit/verify': {
    method: 'GET',
    path: () => '/api/audit/verify',
    setup: 'none',
    expect: [401, 401, 403, 403, 403, 200, 200, 200],
  },
};

const CELLS = Object.entries(MATRIX).flatMap(([route, routeCase]) =>
  WHO.map((who, index) => ({ route, who, routeCase, status: routeCase.expect[index]! })),
);

/** A fresh quote of am1 in the state the route needs. */
async function quoteIn(service: TestService, setup: Setup): Promise<string> {
  if (setup === 'none') return 'Q-2026-999999';
  const request = setup === 'pending' ? REQUESTS.pricingManager() : REQUESTS.ENT0001();
  const { number } = await createQuote(service, 'am1', request);
  if (setup === 'draft') return number;
  await service.call('POST', `/api/quotes/${number}/submit`, { as: 'am1' });
  if (setup === 'pending' || setup === 'approved') return number;
  await service.call('POST', `/api/quotes/${number}/issue`, { as: 'am1' });
  return number;
}

describe.each(DIALECTS)('role × route matrix (%s)', (dialect) => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ dialect });
  });
  afterAll(() => service.close());

  it.each(CELLS)('$route as $who → $status', async ({ who, routeCase, status }) => {
    const quote = await quoteIn(service, routeCase.setup);
    const as =
      who === 'nobody' ? undefined : who === 'bad-token' ? { token: 'gq_not-a-real-token' } : who;
    const response = await service.call(
      routeCase.method,
      routeCase.path(quote, service.ruleSet.hash),
      {
        ...(as ? { as } : {}),
        ...(routeCase.body !== undefined ? { body: routeCase.body } : {}),
      },
    );
    expect({
      status: response.status,
      body: response.status === status ? 'as expected' : response.text,
    }).toEqual({
      status,
      body: 'as expected',
    });
    if (status === 401) expect(response.headers.get('www-authenticate')).toBe('Bearer');
    if (status === 403) expect(response.body.error.kind).toBe('forbidden');
    if (status === 404) {
      // Another manager's quote answers exactly like a quote that does not exist.
      const missing = await service.call(routeCase.method, routeCase.path('Q-2026-999999', ''), {
        as: who as UserKey,
        ...(routeCase.body !== undefined ? { body: routeCase.body } : {}),
      });
      expect(missing.status).toBe(404);
      expect(response.body.error.message).toBe(
        missing.body.error.message.replace('Q-2026-999999', quote),
      );
    }
  });

  it('an account manager lists only their own quotes, whatever the filter says', async () => {
    const mine = await createQuote(service, 'am1', REQUESTS.ENT0002());
    const theirs = await createQuote(service, 'am2', REQUESTS.ENT0002());
    const own = await service.call('GET', '/api/quotes?limit=200', { as: 'am2' });
    expect(own.status).toBe(200);
    const numbers = own.body.items.map((item: { number: string }) => item.number);
    expect(numbers).toContain(theirs.number);
    expect(numbers).not.toContain(mine.number);
    expect(
      own.body.items.every(
        (item: { accountManagerId: string }) => item.accountManagerId === service.users.am2.id,
      ),
    ).toBe(true);
    const snooping = await service.call(
      'GET',
      `/api/quotes?accountManagerId=${service.users.am1.id}`,
      { as: 'am2' },
    );
    expect(snooping.body).toEqual({ items: [], total: 0, limit: 50, offset: 0 });
    const finance = await service.call(
      'GET',
      `/api/quotes?accountManagerId=${service.users.am1.id}&limit=200`,
      { as: 'fd' },
    );
    expect(finance.body.items.map((item: { number: string }) => item.number)).toContain(
      mine.number,
    );
  });

  it.each([
    ['am1', false],
    ['pm', true],
    ['fd', true],
    ['auditor', true],
    ['admin', true],
  ] as const)(
    '%s sees internal figures: %s; everyone sees who must approve',
    async (who, seesInternal) => {
      const { number } = await createQuote(service, 'am1', REQUESTS.pricingManager());
      const read = await service.call('GET', `/api/quotes/${number}`, { as: who });
      const view = quoteViewSchema.parse(read.body);
      expect('internal' in view.quote).toBe(seesInternal);
      expect(view.marginPct !== undefined).toBe(seesInternal);
      expect('benefits' in view.quote.explanations).toBe(seesInternal);
      expect(view.approval).toEqual({
        level: 'pricing-manager',
        required: true,
        approverRoles: ['pricing-manager', 'finance-director'],
      });
      const replay = await service.call('GET', `/api/quotes/${number}/replay`, { as: who });
      expect('internal' in replay.body.quote).toBe(seesInternal);
      expect(replay.text.includes('"margin"')).toBe(seesInternal);
    },
  );
});
