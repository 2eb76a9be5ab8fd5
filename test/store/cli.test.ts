/**
 * `quote users add` and `quote audit verify`, run through the CLI's own dispatcher against the
 * database the environment names (GROUPQUOTE_DB for SQLite, DATABASE_URL for PostgreSQL).
 */
import { runQuote } from '../support/cli';
import { openStore } from '../../src/store/open';
import { hashToken } from '../../src/store/tokens';
import { createTestDatabase, describeEachDialect, type TestDatabase } from './support';

const run = runQuote;

describeEachDialect('cli: users and audit', (dialect) => {
  let database: TestDatabase;
  const saved = {
    DATABASE_URL: process.env.DATABASE_URL,
    GROUPQUOTE_DB: process.env.GROUPQUOTE_DB,
  };

  beforeEach(async () => {
    database = await createTestDatabase(dialect);
    delete process.env.DATABASE_URL;
    delete process.env.GROUPQUOTE_DB;
    if (database.options.databaseUrl) process.env.DATABASE_URL = database.options.databaseUrl;
    else process.env.GROUPQUOTE_DB = database.options.sqlitePath;
  });
  afterEach(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await database.dispose();
  });

  test('users contact sets, keeps and clears the phone and e-mail a proposal prints, audited', async () => {
    const added = await run(
      'users',
      'add',
      '--name',
      '王芳',
      '--role',
      'account-manager',
      '--json',
    );
    const { id } = JSON.parse(added.out) as { id: string };
    const set = await run(
      'users',
      'contact',
      id,
      '--phone',
      '+86 10 6666 8888',
      '--email',
      'wang.fang@example.cn',
    );
    expect(set).toMatchObject({ code: 0 });
    expect(set.out).toContain('phone +86 10 6666 8888, e-mail wang.fang@example.cn');
    const cleared = await run('users', 'contact', id, '--phone', '');
    expect(cleared.out).toContain('phone —, e-mail wang.fang@example.cn');
    const bad = await run(
      'users',
      'contact',
      id,
      '--email',
      'wang at example',
      '--phone',
      'call me',
    );
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--phone: must be a phone number');
    expect(bad.err).toContain('--email: must be an e-mail address');
    expect((await run('users', 'contact', 'nobody', '--phone', '123456')).code).toBe(1);

    const store = await openStore(database.options);
    try {
      expect(await store.getUser(id)).toMatchObject({ email: 'wang.fang@example.cn' });
      expect((await store.getUser(id))!.phone).toBeUndefined();
      const changes = (await store.listAudit({ limit: 100, offset: 0 })).filter(
        (entry) => entry.action === 'user.contact-changed',
      );
      expect(changes.map((entry) => entry.detail)).toEqual([
        { userId: id, phone: '+86 10 6666 8888', email: 'wang.fang@example.cn' },
        { userId: id, phone: null },
      ]);
      expect((await store.verifyAudit()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  test('users add prints a fresh token once; only its hash is stored and it authenticates', async () => {
    const first = await run(
      'users',
      'add',
      '--name',
      '王芳',
      '--role',
      'finance-director',
      '--json',
    );
    expect(first.code).toBe(0);
    const created = JSON.parse(first.out) as {
      id: string;
      name: string;
      role: string;
      token: string;
    };
    expect(created).toMatchObject({ name: '王芳', role: 'finance-director' });
    expect(created.token).toMatch(/^gq_[A-Za-z0-9_-]{43}$/);

    const second = await run('users', 'add', '--name', 'Chen Jie', '--role', 'account-manager');
    expect(second.code).toBe(0);
    const token = /token \(shown once, only its hash is stored\): (gq_\S+)/.exec(second.out)?.[1];
    expect(token).toBeDefined();
    expect(token).not.toBe(created.token);

    const store = await openStore(database.options);
    try {
      expect(await store.findUserByTokenHash(hashToken(created.token))).toMatchObject({
        id: created.id,
        name: '王芳',
        role: 'finance-director',
      });
      expect(await store.findUserByTokenHash(hashToken(token!))).toMatchObject({
        name: 'Chen Jie',
      });
    } finally {
      await store.close();
    }
    const rows = await database.query<Record<string, unknown>>('select * from users');
    const everything =
      JSON.stringify(rows) + JSON.stringify(await database.query('select * from audit_log'));
    expect(everything).not.toContain(created.token);
    expect(everything).not.toContain(token!);
    expect(everything).toContain(hashToken(created.token));
  });

  test('users add names every bad or missing option and exits 2', async () => {
    const result = await run('users', 'add', '--role', 'boss');
    expect(result.code).toBe(2);
    expect(result.err).toContain('--name: is required');
    expect(result.err).toContain('--role: must be one of account-manager, pricing-manager');
    expect(
      (await run('users', 'add', '--name', 'x', '--role', 'admin', '--colour', 'red')).code,
    ).toBe(2);
    expect((await run('users', 'remove')).code).toBe(2);
  });

  test('audit verify exits 0 on an intact chain and 1 naming the seq of a changed row', async () => {
    await run('users', 'add', '--name', 'A', '--role', 'admin');
    await run('users', 'add', '--name', 'B', '--role', 'finance-auditor');
    await run('users', 'add', '--name', 'C', '--role', 'pricing-manager');
    const intact = await run('audit', 'verify');
    expect(intact.code).toBe(0);
    expect(intact.out).toMatch(
      /^audit log intact: 3 entries and 0 quotes in .*; head seq 3, hash [0-9a-f]{64}$/,
    );

    await database.execute(
      dialect === 'postgres'
        ? 'alter table audit_log disable trigger user'
        : 'drop trigger audit_log_no_update',
    );
    await database.execute(`update audit_log set detail = '{"role":"admin"}' where seq = 2`);
    const broken = await run('audit', 'verify');
    expect(broken.code).toBe(1);
    expect(broken.err).toContain('seq 2: entry 2 was changed');
    const trigger = dialect === 'postgres' ? 'audit_log_append_only' : 'audit_log_no_update';
    expect(broken.err).toMatch(
      new RegExp(
        `^  trigger ${trigger} is (missing|disabled): the database no longer refuses`,
        'm',
      ),
    );

    const json = await run('audit', 'verify', '--json');
    expect(json.code).toBe(1);
    const verification = JSON.parse(json.out) as { problems: { seq: number; trigger?: string }[] };
    expect(verification).toMatchObject({ ok: false, checked: 3 });
    expect(verification.problems[0]).toMatchObject({ seq: 2 });
    expect(verification.problems.slice(1)).toContainEqual(
      expect.objectContaining({ seq: 0, trigger }),
    );
  });

  test('audit restore-triggers recreates what verify names missing, and logs it', async () => {
    await run('users', 'add', '--name', 'A', '--role', 'admin');
    expect((await run('audit', 'restore-triggers')).out).toMatch(/triggers intact in .*: nothing/);
    await database.execute(
      dialect === 'postgres'
        ? 'alter table audit_log disable trigger audit_log_no_truncate; drop trigger audit_log_append_only on audit_log'
        : 'drop trigger audit_log_no_delete',
    );
    expect((await run('audit', 'verify')).code).toBe(1);

    const restored = await run('audit', 'restore-triggers');
    expect(restored.code).toBe(0);
    expect(restored.out).toContain(
      dialect === 'postgres'
        ? 'restored audit_log_append_only, audit_log_no_truncate in'
        : 'restored audit_log_no_delete in',
    );
    const verified = await run('audit', 'verify');
    expect(verified.code).toBe(0);
    expect(verified.out).toMatch(/^audit log intact: 2 entries/);
    // Not toThrow: better-sqlite3's errors may not be `instanceof Error` here (see store.test.ts).
    await expect(database.execute('delete from audit_log where seq = 1')).rejects.toMatchObject({
      message: expect.stringMatching(/append-only/) as unknown,
    });
    const [entry] = await database.query<{ action: string; detail: string }>(
      'select action, detail from audit_log where seq = 2',
    );
    expect(entry!.action).toBe('audit.triggers-restored');
  });
});
