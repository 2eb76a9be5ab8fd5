/**
 * Input the probe of issue 17 answered with a 500: a control character in a query string (a NUL
 * cannot be stored in PostgreSQL text), malformed percent-encoding in a path, and a compressed
 * body that does not inflate. Each is a 400 naming the problem, the same on both stores.
 */
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { errorSchema } from '../../src/http/schemas';
import {
  DIALECTS,
  REQUESTS,
  announceSkippedPostgres,
  startTestService,
  type ApiResponse,
  type TestService,
} from './support';

announceSkippedPostgres('hostile input');

function issuesOf(response: ApiResponse): Record<string, string> {
  expect(response.status).toBe(400);
  expect(response.text).not.toMatch(/\n\s+at |URIError|Z_DATA_ERROR/);
  const { error } = errorSchema.parse(response.body);
  expect(error.kind).toBe('invalid-input');
  return Object.fromEntries((error.issues ?? []).map((issue) => [issue.path, issue.message]));
}

describe.each(DIALECTS)('hostile input on %s', (dialect) => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService({ dialect });
  });
  afterAll(() => service.close());

  describe('a query string refuses control characters, naming the parameter', () => {
    it.each([
      ['a NUL', 'enterpriseId', '%00', 'U+0000'],
      ['a NUL after text', 'enterpriseId', 'ENT-0001%00', 'U+0000'],
      ['a line feed', 'accountManagerId', 'am%0Aroot', 'U+000A'],
      ['a C1 control', 'enterpriseId', '%C2%85', 'U+0085'],
      ['a right-to-left override', 'accountManagerId', '%E2%80%AEam', 'U+202E'],
      ['a bidirectional isolate', 'enterpriseId', 'a%E2%81%A6b', 'U+2066'],
    ])('%s in %s', async (_name, parameter, value, codePoint) => {
      const response = await service.call('GET', `/api/quotes?${parameter}=${value}`, {
        as: 'admin',
      });
      const issues = issuesOf(response);
      expect(Object.keys(issues)).toEqual([`query.${parameter}`]);
      expect(issues[`query.${parameter}`]).toContain(codePoint);
    });

    it('still finds quotes by an ordinary id, and takes any script', async () => {
      const request = REQUESTS.ENT0001();
      request.enterprise.id = 'ENT-HOSTILE-0001';
      const created = await service.call('POST', '/api/quotes', { as: 'am1', body: request });
      expect(created.status).toBe(201);
      const found = await service.call('GET', '/api/quotes?enterpriseId=ENT-HOSTILE-0001', {
        as: 'admin',
      });
      expect(found.status).toBe(200);
      expect(found.body.total).toBe(1);
      const chinese = await service.call(
        'GET',
        `/api/quotes?enterpriseId=${encodeURIComponent('企业-0001 🚀')}`,
        { as: 'admin' },
      );
      expect(chinese.status).toBe(200);
      expect(chinese.body.total).toBe(0);
    });
  });

  describe('malformed percent-encoding in a path', () => {
    it.each([
      '/api/quotes/%',
      '/api/quotes/%E0%A4',
      '/api/quotes/Q-2026-%ZZ/submit',
      '/api/rulesets/%',
    ])('%s → 400 naming the encoding', async (path) => {
      const method = path.endsWith('/submit') ? 'POST' : 'GET';
      const issues = issuesOf(await service.call(method, path, { as: 'admin' }));
      expect(issues.params).toMatch(/not valid percent-encoding/);
      expect(issues.params).toMatch(/%25/);
    });
  });

  describe('a compressed body that does not inflate', () => {
    const json = JSON.stringify(REQUESTS.ENT0001());
    const preview = (encoding: string, body: Buffer) =>
      fetch(`${service.url}/api/quotes/preview`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${service.users.am1.token}`,
          'content-type': 'application/json',
          'content-encoding': encoding,
        },
        body: new Uint8Array(body),
      });
    const answer = async (response: Response): Promise<ApiResponse> => {
      const text = await response.text();
      return { status: response.status, headers: response.headers, text, body: JSON.parse(text) };
    };

    it.each([
      ['deflate', Buffer.from('garbage, not deflate')],
      ['deflate', deflateSync(json).subarray(0, 20)],
      ['gzip', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3])],
      ['gzip', gzipSync(json).subarray(0, 30)],
      ['br', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
    ])('Content-Encoding: %s with a corrupt body → 400 naming it', async (encoding, body) => {
      const issues = issuesOf(await answer(await preview(encoding, body)));
      expect(issues['(request)']).toContain(`not valid ${encoding} data`);
    });

    it.each([
      ['deflate', deflateSync(json)],
      ['gzip', gzipSync(json)],
      ['br', brotliCompressSync(json)],
    ])('Content-Encoding: %s with a sound body is priced', async (encoding, body) => {
      expect((await preview(encoding, body)).status).toBe(200);
    });
  });
});
