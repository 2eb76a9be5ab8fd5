/**
 * A standing fuzz of the real HTTP service, on SQLite and (with TEST_DATABASE_URL) PostgreSQL:
 * requests whose method, path, query string, headers and body fast-check makes up — mostly near
 * the contract, often far from it — sent over a real socket. Whatever comes in, the service must
 * answer within 2 s, never with a 500 (nor any 5xx but a 503 saying what is unavailable), never
 * with a stack trace, and with JSON that parses whenever it says JSON.
 *
 * FUZZ_RUNS=N sends N requests per store (default 500); FUZZ_SEED=S replays a run (the seed is
 * printed), FUZZ_SEED=random explores a new one. On a failure fast-check prints the request it
 * shrank to, with its seed and path.
 */
import { request as httpRequest } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { z } from 'zod';
import { API_ROUTES } from '../../src/http/routes';
import { ProposalRenderer } from '../../src/proposals/renderer';
import { eligibleRequest } from '../support/arbitraries';
import {
  DIALECTS,
  REQUESTS,
  USER_ROLES,
  announceSkippedPostgres,
  createQuote,
  startTestService,
  type TestService,
  type UserKey,
} from './support';

announceSkippedPostgres('fuzz');

const RUNS = Number(process.env.FUZZ_RUNS ?? 500);
/**
 * A fixed seed by default, so the standing run in npm test (and CI) is the same every time;
 * FUZZ_SEED=random draws a new one to explore, FUZZ_SEED=S replays one.
 */
const SEED =
  process.env.FUZZ_SEED === 'random'
    ? Date.now() % 2 ** 31
    : Number(process.env.FUZZ_SEED ?? 20261202);
const SLOWEST_ANSWER_MS = 2_000;
/** A request with no answer by then is reported as hung rather than left to jest's timeout. */
const NO_ANSWER_MS = 15_000;
/** What a body must never show: a stack frame, a source position, a dependency's path. */
const INTERNALS = /\n\s+at |\bat [\w$.<>]+ \(|\.(ts|js):\d+:\d+|node_modules/;

jest.setTimeout(Math.max(120_000, RUNS * 100));

/** What the fuzz needs to know of the service it aims at: its tokens and things that exist. */
interface Target {
  service: TestService;
  numbers: string[];
}

/** One made-up request. */
interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

// --- text that is hard to handle ------------------------------------------------------------

/** Characters that break things: controls, bidi controls, lone surrogates, NUL, wide and astral. */
const nastyCharacter = fc.constantFrom(
  '\u0000',
  '\u0001',
  '\n',
  '\r',
  '\t',
  '\u007f',
  '\u0085',
  '\u00a0',
  '\u202e',
  '\u2066',
  '\u200b',
  '\ufeff',
  '\ud800',
  '\udfff',
  '\ufffd',
  '%',
  '"',
  '\\',
  "'",
  '<',
  '&',
  '/',
  '..',
  '集',
  '🚀',
);
const nastyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  {
    weight: 3,
    arbitrary: fc.string({
      unit: fc.oneof(fc.string({ minLength: 1, maxLength: 1 }), nastyCharacter),
      maxLength: 20,
    }),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 1,
    // Now and then past the URL's 16 kB and the body's 64 kB limits.
    arbitrary: fc
      .oneof({ weight: 9, arbitrary: fc.nat(2_000) }, { weight: 1, arbitrary: fc.nat(70_000) })
      .map((length) => 'x'.repeat(length)),
  },
);

/**
 * Text put into a URL as a careless client would: unreserved characters raw, the rest
 * percent-encoded as UTF-8 (a lone surrogate as the bytes it would have had), and now and then
 * a raw `%` or a truncated escape left as it is.
 */
function urlText(text: string): string {
  let out = '';
  for (const character of text) {
    if (/^[A-Za-z0-9\-._~]$/.test(character)) out += character;
    else if (character === '%') out += '%';
    else {
      const code = character.codePointAt(0)!;
      const bytes =
        code >= 0xd800 && code <= 0xdfff
          ? Buffer.from([0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)])
          : Buffer.from(character, 'utf8');
      for (const byte of bytes) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

const urlPiece = fc.oneof(
  { weight: 4, arbitrary: nastyText.map(urlText) },
  {
    weight: 1,
    arbitrary: fc.constantFrom('%', '%E0%A4', '%ZZ', '%00', '%C0%AE', '%ED%A0%80', '%25', '%2F'),
  },
);

// --- paths ------------------------------------------------------------------------------------

const templates = API_ROUTES.map((route) => ({
  method: route.method.toUpperCase(),
  template: `/api${route.path}`,
  query:
    route.query && 'shape' in route.query ? Object.keys((route.query as z.ZodObject).shape) : [],
  jsonBody: route.body !== undefined,
}));

/** Pricing and storing take the richest input: their routes come up more often than the rest. */
const ROUTE_WEIGHTS: Readonly<Record<string, number>> = {
  'POST /api/quotes': 4,
  'POST /api/quotes/preview': 3,
};

function pathArbitrary(target: Target) {
  const number = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...target.numbers) },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 0, max: 999_999 })
        .map((n) => `Q-2026-${String(n).padStart(6, '0')}`),
    },
    { weight: 2, arbitrary: urlPiece },
  );
  const hash = fc.oneof(
    { weight: 2, arbitrary: fc.constant(target.service.ruleSet.hash) },
    { weight: 1, arbitrary: fc.stringMatching(/^[0-9a-f]{64}$/) },
    { weight: 2, arbitrary: urlPiece },
  );
  const route = fc.oneof(
    ...templates.map((template) => ({
      weight: ROUTE_WEIGHTS[`${template.method} ${template.template}`] ?? 1,
      arbitrary: fc.constant(template),
    })),
  );
  const fromTemplate = fc.tuple(route, number, hash).map(([chosen, numberText, hashText]) => ({
    route: chosen,
    path: chosen.template.replace('{number}', numberText).replace('{hash}', hashText),
  }));
  const anywhere = fc
    .array(
      fc.oneof(urlPiece, fc.constantFrom('api', 'quotes', 'audit', 'rulesets', '..', '.', '')),
      {
        minLength: 0,
        maxLength: 5,
      },
    )
    .map((segments) => ({ route: undefined, path: `/${segments.join('/')}` }));
  return fc.oneof({ weight: 9, arbitrary: fromTemplate }, { weight: 1, arbitrary: anywhere });
}

// --- query strings ----------------------------------------------------------------------------

const QUERY_VALUES = [
  'draft',
  'approved',
  'pending-approval',
  'auto',
  'finance-director',
  'en',
  'zh-CN',
  '0',
  '1',
  '50',
  '200',
  '201',
  '-1',
  '1e2',
  '2026-11-01',
  '2026-11-27T09:00:00Z',
  '2026-02-30',
  'ENT-0001',
  'Q-2026-000001',
];

function queryArbitrary(known: readonly string[]) {
  const key = fc.oneof(
    { weight: 4, arbitrary: known.length > 0 ? fc.constantFrom(...known) : urlPiece },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'limit',
        'offset',
        'lang',
        'state',
        'a[b]',
        '__proto__',
        'constructor',
      ),
    },
    { weight: 1, arbitrary: urlPiece },
  );
  const value = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...QUERY_VALUES) },
    { weight: 3, arbitrary: urlPiece },
  );
  return fc
    .array(fc.tuple(key, value, fc.boolean()), { maxLength: 5 })
    .map((pairs) =>
      pairs.length === 0
        ? ''
        : `?${pairs.map(([name, text, bare]) => (bare && text === '' ? name : `${name}=${text}`)).join('&')}`,
    );
}

// --- bodies -----------------------------------------------------------------------------------

/** A number as JSON text may spell it, some of which JSON.parse reads as another number. */
const numberText = fc.constantFrom(
  '1e2',
  '120.0',
  '1.2e2',
  '-0',
  '0',
  '-1',
  '1e400',
  '120.00000000000000001',
  '9007199254740993',
  '0.1',
  '24.0000000000000000001',
  '36',
  '99999999999999999999999',
);

/** A valid request with one place changed: a value replaced, removed, or a field added. */
const mutatedRequest = fc
  .tuple(
    eligibleRequest,
    fc.constantFrom(
      'enterprise',
      'enterprise.id',
      'enterprise.name',
      'enterprise.industry',
      'enterprise.creditRating',
      'enterprise.annualSpend',
      'termMonths',
      'lines',
      'usagePerLine',
      'usagePerLine.dataGB',
      'usagePerLine.sms',
      'ringbackTone',
      'handsets',
      'handsets.0',
      'handsets.0.model',
      'handsets.0.quantity',
      'extra',
      '__proto__',
    ),
    fc.oneof(
      { weight: 3, arbitrary: nastyText },
      { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
      { weight: 1, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.double() },
      { weight: 1, arbitrary: fc.integer() },
    ),
  )
  .map(([request, path, value]) => {
    const copy = structuredClone(request) as Record<string, unknown>;
    const keys = path.split('.');
    let node: Record<string, unknown> = copy;
    for (const key of keys.slice(0, -1)) {
      const next = node[key];
      if (typeof next !== 'object' || next === null) return copy;
      node = next as Record<string, unknown>;
    }
    const last = keys[keys.length - 1]!;
    if (value === undefined) delete node[last];
    else if (last === '__proto__') Object.defineProperty(node, last, { value, enumerable: true });
    else node[last] = value;
    return copy;
  });

/** JSON text of a valid request with its numbers spelt another way. */
const respeltNumbers = fc
  .tuple(eligibleRequest, fc.array(numberText, { minLength: 1, maxLength: 3 }))
  .map(([request, spellings]) => {
    let index = 0;
    return JSON.stringify(request).replace(/(?<=":)\d+(?=[,}])/g, (digits) =>
      index < spellings.length ? spellings[index++]! : digits,
    );
  });

const jsonText = fc.oneof(
  { weight: 6, arbitrary: mutatedRequest.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: respeltNumbers },
  { weight: 3, arbitrary: eligibleRequest.map((value) => JSON.stringify(value)) },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null'),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ comment: fc.oneof(nastyText, fc.jsonValue({ maxDepth: 2 })) })
      .map((value) => JSON.stringify(value)),
  },
  { weight: 1, arbitrary: nastyText },
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 20_000 })
      .map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  },
  { weight: 1, arbitrary: mutatedRequest.map((value) => JSON.stringify(value).slice(0, -3)) },
);

/** The bytes sent: JSON text, sometimes with bytes that are not UTF-8 spliced in. */
const bodyBytes = fc.oneof(
  { weight: 9, arbitrary: jsonText.map((text) => Buffer.from(text, 'utf8')) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(jsonText, fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.nat())
      .map(([text, bytes, at]) => {
        const utf8 = Buffer.from(text, 'utf8');
        const cut = utf8.length === 0 ? 0 : at % utf8.length;
        return Buffer.concat([utf8.subarray(0, cut), Buffer.from(bytes), utf8.subarray(cut)]);
      }),
  },
);

// --- headers ----------------------------------------------------------------------------------

/** A header value Node will send: tab, printable ASCII and Latin-1, nothing that ends a line. */
const headerValue = fc.string({
  unit: fc.oneof(
    {
      weight: 8,
      arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((code) => String.fromCharCode(code)),
    },
    { weight: 1, arbitrary: fc.constant('\t') },
  ),
  maxLength: 60,
});
const headerName = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
/** Framing is the HTTP layer's, not the app's: a wrong Content-Length would only stall the socket. */
const FRAMING = new Set([
  'content-length',
  'transfer-encoding',
  'host',
  'connection',
  'expect',
  'upgrade',
  'te',
  'trailer',
  'keep-alive',
]);

function headersArbitrary(target: Target) {
  const users = Object.keys(USER_ROLES) as UserKey[];
  const authorization = fc.oneof(
    {
      // Mostly the roles that may create, so that requests get past the policy to the store.
      weight: 12,
      arbitrary: fc
        .oneof(
          { weight: 2, arbitrary: fc.constantFrom<UserKey>('am1', 'admin') },
          { weight: 1, arbitrary: fc.constantFrom(...users) },
        )
        .map((user) => `Bearer ${target.service.users[user].token}`),
    },
    { weight: 1, arbitrary: headerValue.map((token) => `Bearer ${token}`) },
    { weight: 1, arbitrary: headerValue },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        'Basic dXNlcjpwYXNz',
        `bearer   ${target.service.users.admin.token}  `,
      ),
    },
  );
  const contentType = fc.oneof(
    { weight: 12, arbitrary: fc.constant('application/json') },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'application/json; charset=utf-8',
        'application/json; charset=latin1',
        'application/json; charset=utf-16',
        'application/JSON',
        'text/plain',
        'application/x-www-form-urlencoded',
        'multipart/form-data; boundary=x',
        'application/*',
        '*/*',
        'application/json; charset="',
      ),
    },
    { weight: 1, arbitrary: headerValue },
  );
  const contentEncoding = fc.oneof(
    { weight: 12, arbitrary: fc.constant(undefined) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'gzip',
        'deflate',
        'br',
        'identity',
        'compress',
        'gzip, deflate',
        'GZIP',
      ),
    },
    { weight: 1, arbitrary: headerValue },
  );
  return fc.record({
    authorization: fc.option(authorization, { freq: 12, nil: undefined }),
    contentType: fc.option(contentType, { freq: 12, nil: undefined }),
    contentEncoding,
    compressHonestly: fc.boolean(),
    idempotencyKey: fc.option(headerValue, { freq: 2, nil: undefined }),
    requestId: fc.option(headerValue, { freq: 2, nil: undefined }),
    extra: fc.array(fc.tuple(headerName, headerValue), { maxLength: 3 }),
  });
}

// --- whole requests ---------------------------------------------------------------------------

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'];

function requestArbitrary(target: Target): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(
      pathArbitrary(target),
      fc.oneof(
        { weight: 12, arbitrary: fc.constant(undefined) },
        { weight: 1, arbitrary: fc.constantFrom(...METHODS) },
      ),
      fc.boolean(),
      headersArbitrary(target),
      fc.option(bodyBytes, { freq: 8, nil: undefined }),
    )
    .chain(([{ route, path }, method, sendBody, headers, body]) =>
      queryArbitrary(route?.query ?? []).map((query): FuzzRequest => {
        const chosen = method ?? route?.method ?? 'GET';
        const wantsBody = (route?.jsonBody ?? false) || sendBody;
        const sent: Record<string, string> = {};
        for (const [name, value] of headers.extra) if (!FRAMING.has(name)) sent[name] = value;
        if (headers.authorization !== undefined) sent.authorization = headers.authorization;
        if (headers.idempotencyKey !== undefined) sent['idempotency-key'] = headers.idempotencyKey;
        if (headers.requestId !== undefined) sent['x-request-id'] = headers.requestId;
        let payload: Buffer | undefined =
          wantsBody && chosen !== 'GET' && chosen !== 'HEAD' ? body : undefined;
        if (payload !== undefined) {
          if (headers.contentType !== undefined) sent['content-type'] = headers.contentType;
          if (headers.contentEncoding !== undefined) {
            sent['content-encoding'] = headers.contentEncoding;
            if (headers.compressHonestly) payload = compress(headers.contentEncoding, payload);
          }
        }
        return {
          method: chosen,
          path: path + query,
          headers: sent,
          ...(payload ? { body: payload } : {}),
        };
      }),
    );
}

function compress(encoding: string, body: Buffer): Buffer {
  switch (encoding.toLowerCase()) {
    case 'gzip':
      return gzipSync(body);
    case 'deflate':
      return deflateSync(body);
    case 'br':
      return brotliCompressSync(body);
    default:
      return body;
  }
}

// --- sending and judging ----------------------------------------------------------------------

interface Answer {
  status: number;
  contentType: string;
  text: string;
  ms: number;
}

/**
 * Over a connection of its own: a connection that a bad request left closing cannot be mistaken
 * for the next request's failure, so a hang-up is always the service's doing.
 */
function send(url: string, fuzz: FuzzRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const request = httpRequest(
      url + fuzz.path,
      { method: fuzz.method, headers: fuzz.headers, agent: false },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode!,
            contentType: String(response.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          });
        });
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new Error(`no answer within ${NO_ANSWER_MS} ms`));
    }, NO_ANSWER_MS);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(fuzz.body);
  });
}

/** A request in one line, its tokens left out (they differ between the two stores' services). */
function oneLine(fuzz: FuzzRequest): string {
  return `${fuzz.method} ${fuzz.path.slice(0, 200)}`;
}

/** Throws, naming what is wrong, unless the answer is one the service may give. */
function judge(fuzz: FuzzRequest, answer: Answer): void {
  const problems: string[] = [];
  if (answer.status >= 500) {
    const kind = /"kind":"([\w-]+)"/.exec(answer.text)?.[1];
    if (answer.status !== 503 || kind !== 'unavailable') problems.push(`status ${answer.status}`);
  }
  if (answer.ms > SLOWEST_ANSWER_MS) problems.push(`took ${Math.round(answer.ms)} ms`);
  if (INTERNALS.test(answer.text)) problems.push('a stack trace or source path in the body');
  if (answer.contentType.includes('application/json') && fuzz.method !== 'HEAD') {
    try {
      JSON.parse(answer.text);
    } catch {
      problems.push('a JSON answer that does not parse');
    }
  }
  if (problems.length > 0) {
    throw new Error(
      `${problems.join('; ')}: ${fuzz.method} ${fuzz.path.slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 400)}`,
    );
  }
}

// --- the runs ---------------------------------------------------------------------------------

/** Each store's answers in order, as status and error kind, to hold the stores to the same answers. */
const answersByStore = new Map<string, string[]>();

let renderer: ProposalRenderer;
beforeAll(() => {
  renderer = new ProposalRenderer();
  console.log(`fuzz: seed ${SEED}, ${RUNS} requests per store (FUZZ_SEED, FUZZ_RUNS)`);
});
afterAll(() => renderer.close());

describe.each(DIALECTS)('fuzzed requests against the service on %s', (dialect) => {
  let target: Target;
  beforeAll(async () => {
    const service = await startTestService({ dialect, renderer });
    const numbers: string[] = [];
    for (const request of [REQUESTS.ENT0001(), REQUESTS.ENT0002(), REQUESTS.pricingManager()]) {
      numbers.push((await createQuote(service, 'am1', request)).number);
    }
    // Chromium starts with the first PDF; start it now, not inside a timed answer.
    const warm = await service.call('GET', `/api/quotes/${numbers[0]}/proposal.pdf`, { as: 'am1' });
    expect(warm.status).toBe(200);
    target = { service, numbers };
  });
  afterAll(async () => {
    await target.service.close();
  });

  it('never answers 500, slowly, or with internals', async () => {
    const statuses = new Map<number, number>();
    const answers: string[] = [];
    answersByStore.set(dialect, answers);
    await fc.assert(
      fc.asyncProperty(requestArbitrary(target), async (fuzz) => {
        const answer = await send(target.service.url, fuzz);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        answers.push(
          `${oneLine(fuzz)} → ${answer.status} ${/"kind":"([\w-]+)"/.exec(answer.text)?.[1] ?? ''}`,
        );
        judge(fuzz, answer);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const total = [...statuses.values()].reduce((sum, count) => sum + count, 0);
    console.log(
      `fuzz ${dialect}: ${total} requests, by status ${JSON.stringify(Object.fromEntries([...statuses].sort(([a], [b]) => a - b)))}`,
    );
    // Still serving, and the fuzz reached past validation into the service.
    expect((await target.service.call('GET', '/api/health')).status).toBe(200);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(0);
  });
});

test('both stores gave the same answers to the same requests', () => {
  const [first, second] = [...answersByStore.values()];
  if (!first || !second) return;
  // The throttle's window runs on the wall clock, which two runs do not share: 429 counts as 401.
  const normal = (answer: string) =>
    answer.replace(' → 429 rate-limited', ' → 401 unauthenticated');
  const differing = first.findIndex(
    (answer, index) => normal(answer) !== normal(second[index] ?? ''),
  );
  expect(
    differing === -1 ? undefined : { sqlite: first[differing], postgres: second[differing] },
  ).toBeUndefined();
});
