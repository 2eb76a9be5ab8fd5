/**
 * Over HTTP, a request's body is judged as it was sent (issue 17 §4, §5): a count written with a
 * fraction or an exponent, and bytes that are not UTF-8, are a 400 naming the problem, never
 * quietly read as something the client did not write — the same on both stores.
 */
import {
  DIALECTS,
  REQUESTS,
  announceSkippedPostgres,
  startTestService,
  type TestService,
} from './support';

announceSkippedPostgres('request text');

describe.each(DIALECTS)('a request body as sent (%s)', (dialect) => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ dialect });
  });
  afterAll(() => service.close());

  it.each([
    ['"lines":120.00000000000000001', 'lines'],
    ['"lines":1.2e2', 'lines'],
  ])('%s is refused at %s on create and preview, and nothing is stored', async (written, path) => {
    const raw = JSON.stringify(REQUESTS.ENT0001()).replace('"lines":120', written);
    expect(raw).toContain(written);
    for (const route of ['/api/quotes', '/api/quotes/preview']) {
      const response = await service.call('POST', route, { as: 'am1', raw });
      expect(response.status).toBe(400);
      expect(response.body.error.issues).toEqual([
        { path, message: expect.stringContaining(`(got ${written.split(':')[1]})`) },
      ]);
    }
    const list = await service.call('GET', '/api/quotes', { as: 'am1' });
    expect(list.body.total).toBe(0);
  });

  it('a body that is not UTF-8 is refused, not stored with replacement characters', async () => {
    const text = JSON.stringify(REQUESTS.ENT0001());
    const name = Buffer.from('华信物流集团有限公司', 'utf8');
    const at = Buffer.from(text, 'utf8').indexOf(name);
    expect(at).toBeGreaterThan(0);
    const bytes = Buffer.from(text, 'utf8');
    bytes[at + 1] = 0xff; // no UTF-8 sequence has 0xff
    const response = await fetch(`${service.url}/api/quotes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${service.users.am1.token}`,
        'content-type': 'application/json',
      },
      body: bytes,
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { kind: string; issues: unknown } };
    expect(body.error.kind).toBe('invalid-input');
    expect(body.error.issues).toEqual([
      { path: '(request)', message: expect.stringMatching(/not valid UTF-8/) },
    ]);
  });
});
