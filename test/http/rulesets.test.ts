/**
 * Rule sets as governed versions over the API (issue 13), on SQLite and PostgreSQL: a draft that
 * does not compile, that the verifier faults or whose cases fail never gets stored, let alone
 * live; pushing is idempotent; four eyes; a publication reaches the service without a restart and
 * new quotes carry its hash; concurrent publications leave exactly one live set; rollback; every
 * step audited in the hash chain.
 */
import { readFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { join } from 'node:path';
import {
  announceSkippedPostgres,
  createQuote,
  DIALECTS,
  REQUESTS,
  startTestService,
  type TestService,
  type UserKey,
} from './support';
import {
  errorSchema,
  publicationListSchema,
  publicationSchema,
  pushedRuleSetSchema,
  ruleSetDiffSchema,
  ruleSetListSchema,
  ruleSetSchema,
} from '../../src/http/schemas';
import { ruleSetHash } from '../../src/rules/compile';
import { generateToken, hashToken, openStore, type StoreOptions } from '../../src/store';
import { FIXTURE_RULES_DIR, sampleSnapshot } from '../support/rule-set-copy';
import { workedExample } from '../support/tariff-book';

announceSkippedPostgres('rule sets over the API');

function storeOptionsOf(service: TestService): StoreOptions {
  return service.sqlitePath
    ? { sqlitePath: service.sqlitePath }
    : { databaseUrl: service.databaseUrl! };
}

type Files = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rule files are edited by hand here

/** The fixture's files, edited as a pricing analyst would. */
function draft(edit: (files: Files) => void = () => undefined): Files {
  const files = sampleSnapshot().files as Files;
  edit(files);
  return files;
}

function ruleNamed(files: Files, file: string, name: string) {
  return files[file].rules.find((rule: { name: string }) => rule.name === name);
}

/** Long distance for key accounts `percent` % off (the fixture: 35). */
const keyLongDistance = (percent: string) => (files: Files) => {
  ruleNamed(files, 'long-distance.rules.json', 'long-distance-key').event.params.percent = percent;
};
const deeperLongDistance = keyLongDistance('40');

/** A case every draft below prices as it expects: ENT-0001 is a key account. */
const TIER_CASE = {
  'ent-0001-is-key': {
    description: 'ENT-0001 is a key account (§3)',
    request: workedExample('ENT-0001').request,
    expect: { tier: 'key' },
  },
};

/** The fixture's own worked example 1, every figure to the fen. */
function fixtureCase(name: string): unknown {
  return JSON.parse(readFileSync(join(FIXTURE_RULES_DIR, 'cases', `${name}.json`), 'utf8'));
}

describe.each(DIALECTS)('rule sets over the API [%s]', (dialect) => {
  let service: TestService;
  /** A second pricing manager: four eyes needs someone other than who pushed. */
  let reviewer: { token: string; id: string };

  beforeAll(async () => {
    service = await startTestService({ dialect, live: true });
    const token = generateToken();
    reviewer = { token, id: 'pm-reviewer' };
    await service.store.createUser({
      id: reviewer.id,
      name: 'reviewer',
      role: 'pricing-manager',
      tokenHash: hashToken(token),
      createdAt: service.clock.now.toISOString(),
    });
  }, 30_000);
  afterAll(() => service.close());

  const push = (files: Files, cases: Record<string, unknown> = TIER_CASE, note = 'a test draft') =>
    service.call('POST', '/api/rulesets', { as: 'pm', body: { note, files, cases } });
  const publish = (hash: string, as: 'pm' | 'reviewer' = 'reviewer', body: object = {}) =>
    service.call('POST', `/api/rulesets/${hash}/publish`, {
      as: as === 'pm' ? 'pm' : { token: reviewer.token },
      body: { note: 'reviewed', ...body },
    });
  const liveHash = async () =>
    ruleSetListSchema
      .parse((await service.call('GET', '/api/rulesets', { as: 'auditor' })).body)
      .items.filter((item) => item.live)
      .map((item) => item.hash);
  /** A stored rule set that is not live. */
  const anotherRuleSet = async () =>
    ruleSetListSchema
      .parse((await service.call('GET', '/api/rulesets', { as: 'auditor' })).body)
      .items.find((item) => !item.live)!.hash;
  /** Behind the store's back, straight in the database. */
  const markPublished = async (hash: string) => {
    if (service.sqlitePath) {
      const database = new BetterSqlite3(service.sqlitePath);
      try {
        database.prepare(`update rule_sets set state = 'published' where hash = ?`).run(hash);
      } finally {
        database.close();
      }
      return;
    }
    const client = new pg.Client({ connectionString: service.databaseUrl });
    await client.connect();
    try {
      await client.query(`update rule_sets set state = 'published' where hash = $1`, [hash]);
    } finally {
      await client.end();
    }
  };
  /** Waits until the service prices with `hash` (it polls every 50 ms), at most 2 s. */
  const servedHash = async (hash: string) => {
    const deadline = Date.now() + 2000;
    for (;;) {
      const health = await service.call('GET', '/api/health');
      if (health.body.ruleSetHash === hash || Date.now() > deadline) return health.body.ruleSetHash;
      await new Promise((wait) => setTimeout(wait, 20));
    }
  };

  test('the first start imported the rule set as the one live set; finance reads, account managers may not', async () => {
    expect(await liveHash()).toEqual([service.ruleSet.hash]);
    expect((await service.call('GET', '/api/rulesets', { as: 'am1' })).status).toBe(403);
    expect((await service.call('GET', '/api/rulesets', { as: 'fd' })).status).toBe(200);
    const refused = await service.call('POST', '/api/rulesets', {
      as: 'fd',
      body: { note: 'x', files: draft(), cases: TIER_CASE },
    });
    expect(refused.status).toBe(403);
    expect(errorSchema.parse(refused.body).error.kind).toBe('forbidden');
  });

  test('a draft that does not compile is refused, naming the file and path, and nothing is stored', async () => {
    const before = (await service.call('GET', '/api/rulesets', { as: 'pm' })).body.items.length;
    const response = await push(
      draft((files) => {
        ruleNamed(files, 'long-distance.rules.json', 'long-distance-key').event.type = 'percent-of';
      }),
    );
    expect(response.status).toBe(400);
    const { error } = errorSchema.parse(response.body);
    expect(error.kind).toBe('invalid-input');
    expect(error.issues!.map((issue) => issue.path)).toContain(
      'files.long-distance.rules.json.rules.1.event.type',
    );
    expect((await service.call('GET', '/api/rulesets', { as: 'pm' })).body.items).toHaveLength(
      before,
    );
  });

  test('a draft the verifier faults is refused with the finding and its rules', async () => {
    const response = await push(
      draft((files) => {
        ruleNamed(
          files,
          'long-distance.rules.json',
          'long-distance-strategic',
        ).event.params.percent = '99';
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body.error.findings).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          severity: 'error',
          code: 'percent-over-100',
          rules: ['long-distance-strategic', 'long-distance-36-month-bonus'],
        }),
      ]),
    );
    expect(response.body.error.issues[0].path).toBe(
      'files.long-distance.rules.json.rules.2.event.params.percent',
    );
  });

  test('a draft whose cases fail is refused with each figure that differs; one without cases too', async () => {
    const response = await push(draft(deeperLongDistance), { 'ENT-0001': fixtureCase('ENT-0001') });
    expect(response.status).toBe(400);
    expect(response.body.error.cases).toEqual([
      expect.objectContaining({
        name: 'ENT-0001',
        failures: expect.arrayContaining([
          { path: 'items.LD_MIN.discount', message: 'expected 756.00, got 864.00' },
        ]),
      }),
    ]);
    expect(response.body.error.issues).toEqual(
      expect.arrayContaining([
        { path: 'cases.ENT-0001.items.LD_MIN.discount', message: 'expected 756.00, got 864.00' },
      ]),
    );
    const withoutCases = await push(draft(deeperLongDistance), {});
    expect(withoutCases.status).toBe(400);
    expect(withoutCases.body.error.issues).toEqual([
      { path: 'cases', message: 'a rule set is pushed with at least one case' },
    ]);
    const withoutNote = await push(draft(deeperLongDistance), TIER_CASE, '  ');
    expect(withoutNote.status).toBe(400);
    expect(withoutNote.body.error.issues[0].path).toBe('note');
  });

  test('push stores a draft once, diff says what changed, four eyes, publish swaps new quotes to it, rollback swaps back', async () => {
    const files = draft(deeperLongDistance);
    const first = await push(files, TIER_CASE, 'long distance 40 % for key accounts');
    expect(first.status).toBe(201);
    const pushed = pushedRuleSetSchema.parse(first.body);
    expect(pushed.ruleSet).toMatchObject({
      hash: ruleSetHash({ files }),
      state: 'draft',
      live: false,
      author: service.users.pm.id,
      note: 'long distance 40 % for key accounts',
    });
    const again = await push(files, TIER_CASE, 'the same again');
    expect(again.status).toBe(200);
    expect(pushedRuleSetSchema.parse(again.body)).toMatchObject({
      created: false,
      ruleSet: { note: 'long distance 40 % for key accounts' },
    });
    const hash = pushed.ruleSet.hash;
    const previous = service.ruleSet.hash;

    const diff = ruleSetDiffSchema.parse(
      (await service.call('GET', `/api/rulesets/${previous}/diff/${hash}`, { as: 'auditor' })).body,
    );
    expect(diff.changes.map((change) => change.text)).toEqual([
      'long-distance-key: percent 35 → 40',
    ]);
    const chineseDiff = await service.call('GET', `/api/rulesets/${previous}/diff/${hash}`, {
      as: 'auditor',
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(chineseDiff.headers.get('content-language')).toBe('zh-CN');
    expect(ruleSetDiffSchema.parse(chineseDiff.body).changes.map((change) => change.text)).toEqual([
      'long-distance-key：percent 35 → 40',
    ]);

    const before = await createQuote(service, 'am1', REQUESTS.ENT0001());
    expect(before.ruleSetHash).toBe(previous);

    const ownDraft = await publish(hash, 'pm');
    expect(ownDraft.status).toBe(403);
    expect(ownDraft.body.error.message).toMatch(/four eyes/);
    const inChinese = await service.call('POST', `/api/rulesets/${hash}/publish`, {
      as: 'pm',
      body: { note: '自己发布' },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(inChinese.body.error.message).toBe(
      `四眼原则：规则集 ${hash} 是您提交的，须由另一位资费经理发布（tariff.json publication.fourEyes）`,
    );
    expect((await publish(hash, 'reviewer', { note: ' ' })).status).toBe(400);

    const published = await publish(hash);
    expect(published.status).toBe(200);
    expect(publicationSchema.parse(published.body)).toMatchObject({
      hash,
      kind: 'publish',
      status: 'done',
      fromHash: previous,
      requestedBy: reviewer.id,
    });
    expect(await liveHash()).toEqual([hash]);
    expect(await servedHash(hash)).toBe(hash);
    const after = await createQuote(service, 'am1', REQUESTS.ENT0001());
    expect(after.ruleSetHash).toBe(hash);
    const itemOf = (quote: typeof before) =>
      quote.quote.items.find((item: { code: string }) => item.code === 'LD_MIN');
    expect(itemOf(before)!.discount).toBe('756.00');
    expect(itemOf(after)!.discount).toBe('864.00');
    expect((await publish(hash)).status).toBe(409);

    const rolledBack = await service.call('POST', '/api/rulesets/rollback', {
      as: 'pm',
      body: { note: 'customers complained' },
    });
    expect(rolledBack.status).toBe(200);
    expect(publicationSchema.parse(rolledBack.body)).toMatchObject({
      hash: previous,
      kind: 'rollback',
      fromHash: hash,
    });
    expect(await servedHash(previous)).toBe(previous);
    expect((await createQuote(service, 'am1', REQUESTS.ENT0001())).ruleSetHash).toBe(previous);

    const shown = ruleSetSchema.parse(
      (await service.call('GET', `/api/rulesets/${hash}`, { as: 'fd' })).body,
    );
    expect(shown.version).toMatchObject({
      state: 'retired',
      live: false,
      publishedBy: reviewer.id,
    });
    expect(ruleSetHash({ files: shown.files })).toBe(hash);

    const audit = (await service.call('GET', '/api/audit?limit=200', { as: 'auditor' })).body
      .items as { action: string; actorId: string; ruleSetHash: string; detail: object }[];
    expect(
      audit
        .filter((entry) => entry.ruleSetHash === hash && entry.action.startsWith('ruleset.'))
        .map((entry) => entry.action),
    ).toEqual(['ruleset.pushed', 'ruleset.published']);
    expect(
      audit.find((entry) => entry.action === 'ruleset.published' && entry.ruleSetHash === hash),
    ).toMatchObject({
      actorId: reviewer.id,
      detail: { note: 'reviewed', fromHash: previous, toHash: hash },
    });
    expect(audit.find((entry) => entry.action === 'ruleset.rolled-back')).toMatchObject({
      actorId: service.users.pm.id,
      detail: { note: 'customers complained', fromHash: hash, toHash: previous },
    });
    expect((await service.call('GET', '/api/audit/verify', { as: 'auditor' })).body.ok).toBe(true);
  });

  test('publications racing through the API form one chain and leave exactly one live set', async () => {
    const hashes: string[] = [];
    for (const percent of ['36', '37', '38']) {
      const response = await push(draft(keyLongDistance(percent)));
      expect(response.status).toBe(201);
      hashes.push(response.body.ruleSet.hash);
    }
    const before = (await liveHash())[0];
    const responses = await Promise.all(hashes.map((hash) => publish(hash)));
    // Each either went live, replacing what was live then, or found the live set changed.
    expect(responses.every((response) => [200, 409].includes(response.status))).toBe(true);
    const done = responses
      .filter((response) => response.status === 200)
      .map((response) => publicationSchema.parse(response.body))
      .sort((a, b) => a.liveVersion! - b.liveVersion!);
    expect(done.length).toBeGreaterThan(0);
    expect(done.map((publication) => publication.fromHash)).toEqual([
      before,
      ...done.slice(0, -1).map((publication) => publication.hash),
    ]);
    expect(await liveHash()).toEqual([done.at(-1)!.hash]);
    const history = publicationListSchema.parse(
      (await service.call('GET', '/api/rulesets/publications', { as: 'auditor' })).body,
    ).items;
    expect(history.filter((publication) => hashes.includes(publication.hash))).toHaveLength(
      done.length,
    );
  });

  test('publications racing on several connections: exactly one wins, and the database refuses a second published set', async () => {
    const stores = await Promise.all([1, 2, 3].map(() => openStore(storeOptionsOf(service))));
    try {
      const drafts: string[] = [];
      for (const percent of ['31', '32', '33']) {
        const files = draft(keyLongDistance(percent));
        const hash = ruleSetHash({ files });
        await service.store.pushRuleSet({
          hash,
          snapshot: { files },
          author: 'someone',
          note: 'racing',
          now: service.clock.now.toISOString(),
        });
        drafts.push(hash);
      }
      const live = (await liveHash())[0]!;
      const outcomes = await Promise.allSettled(
        stores.map((store, index) =>
          store.publishRuleSet({
            hash: drafts[index]!,
            kind: 'publish',
            note: 'racing',
            actorId: 'test',
            now: service.clock.now.toISOString(),
            expectedLive: live,
          }),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((outcome) => outcome.status === 'rejected')) {
        expect(outcome.reason).toMatchObject({ kind: 'conflict' });
      }
      expect(await liveHash()).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
    // The driver's error may come from another realm than jest's Error: match its message.
    await expect(markPublished(await anotherRuleSet())).rejects.toMatchObject({
      message: expect.stringMatching(/unique/i),
    });
    expect(await liveHash()).toHaveLength(1);
  });

  test('a publication with effectiveFrom waits, then takes effect when due', async () => {
    const response = await push(
      draft((files) => {
        files['tariff.json'].validityDays = 45;
      }),
    );
    const hash = response.body.ruleSet.hash as string;
    const due = new Date(service.clock.now.getTime() + 60 * 60 * 1000).toISOString();
    const scheduled = await publish(hash, 'reviewer', { effectiveFrom: due });
    expect(publicationSchema.parse(scheduled.body)).toMatchObject({
      status: 'scheduled',
      effectiveFrom: due,
    });
    const waiting = (await service.call('GET', `/api/rulesets/${hash}`, { as: 'pm' })).body;
    expect(waiting.version).toMatchObject({ state: 'draft', scheduledFrom: due });
    expect(await liveHash()).not.toEqual([hash]);

    service.clock.advanceDays(0, 60 * 60 * 1000 + 1);
    await service.live!.check();
    expect(await liveHash()).toEqual([hash]);
    expect(await servedHash(hash)).toBe(hash);
    const quote = await createQuote(service, 'am1', REQUESTS.ENT0002());
    expect(Date.parse(quote.validUntil) - Date.parse(quote.createdAt)).toBe(45 * 86_400_000);
  });

  test('a scheduled publication can be cancelled before it is due, by a publisher, audited; then nothing goes live', async () => {
    const response = await push(
      draft((files) => {
        files['tariff.json'].validityDays = 40;
      }),
    );
    const hash = response.body.ruleSet.hash as string;
    const live = (await liveHash())[0];
    const due = new Date(service.clock.now.getTime() + 60 * 60 * 1000).toISOString();
    expect((await publish(hash, 'reviewer', { effectiveFrom: due })).status).toBe(200);
    const cancel = (as: UserKey, note = 'not this quarter') =>
      service.call('POST', `/api/rulesets/${hash}/cancel`, { as, body: { note } });

    // Role-gated like publish: finance reads rule sets but may not cancel; a note is required.
    expect((await cancel('fd')).status).toBe(403);
    expect((await cancel('pm', ' ')).status).toBe(400);
    const cancelled = await cancel('pm');
    expect(cancelled.status).toBe(200);
    expect(publicationListSchema.parse(cancelled.body).items).toEqual([
      expect.objectContaining({
        hash,
        status: 'cancelled',
        effectiveFrom: due,
        cancelledBy: service.users.pm.id,
        cancelledByName: 'pm',
        requestedBy: reviewer.id,
        requestedByName: 'reviewer',
      }),
    ]);
    const again = await service.call('POST', `/api/rulesets/${hash}/cancel`, {
      as: 'pm',
      body: { note: 'twice' },
      headers: { 'accept-language': 'zh-CN' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(`规则集 ${hash} 没有可取消的计划发布`);

    const shown = ruleSetSchema.parse(
      (await service.call('GET', `/api/rulesets/${hash}`, { as: 'pm' })).body,
    );
    expect(shown.version.scheduledFrom).toBeUndefined();
    expect(shown.version).toMatchObject({
      state: 'draft',
      authorName: 'pm',
    });
    service.clock.advanceDays(0, 60 * 60 * 1000 + 1);
    await service.live!.check();
    expect(await liveHash()).toEqual([live]);

    const audit = await service.store.listAudit({ limit: 10_000, offset: 0 });
    expect(
      audit.filter((entry) => entry.ruleSetHash === hash).map((entry) => entry.action),
    ).toEqual(['ruleset.pushed', 'ruleset.scheduled', 'ruleset.cancelled']);
    expect(audit.find((entry) => entry.action === 'ruleset.cancelled')).toMatchObject({
      actorId: service.users.pm.id,
      detail: { note: 'not this quarter', effectiveFrom: due, toHash: hash },
    });
    expect((await service.call('GET', '/api/audit/verify', { as: 'auditor' })).body.ok).toBe(true);
  });

  test('a publication already due cannot be cancelled: it takes effect first', async () => {
    const response = await push(
      draft((files) => {
        files['tariff.json'].validityDays = 41;
      }),
    );
    const hash = response.body.ruleSet.hash as string;
    const due = new Date(service.clock.now.getTime() + 60_000).toISOString();
    expect((await publish(hash, 'reviewer', { effectiveFrom: due })).status).toBe(200);
    service.clock.advanceDays(0, 60_001);
    const late = await service.call('POST', `/api/rulesets/${hash}/cancel`, {
      as: 'pm',
      body: { note: 'too late' },
    });
    expect(late.status).toBe(409);
    expect(await liveHash()).toEqual([hash]);
  });
});
