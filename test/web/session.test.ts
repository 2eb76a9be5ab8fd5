/**
 * Signing in to the web workspace, its session cookie and CSRF token, its expiry and sign-out,
 * and role checks on pages, against the real service on each store.
 */
import { createHash } from 'node:crypto';
import {
  DIALECTS,
  REQUESTS,
  announceSkippedPostgres,
  USER_ROLES,
  startTestService,
  type TestService,
  type UserKey,
} from '../http/support';
import { mayDo } from '../../src/quotes/policy';
import { WEB_PAGES } from '../../src/web/pages';
import { WebClient, flatForm, hiddenValue, signIn } from './support';

announceSkippedPostgres('web sessions');

const LIFETIME = { idleMs: 30 * 60_000, absoluteMs: 2 * 60 * 60_000, touchEveryMs: 60_000 };

describe.each(DIALECTS)('web sessions on %s', (dialect) => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService({ dialect, sessionLifetime: LIFETIME });
  });
  afterAll(() => service.close());

  it('sends a browser without a session to sign in, and back where it was going', async () => {
    const client = new WebClient(service.url);
    const page = await client.get('/quotes?state=draft');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/sign-in?next=%2Fquotes%3Fstate%3Ddraft');

    const form = await client.get('/sign-in?next=%2Fquotes%3Fstate%3Ddraft');
    const signedIn = await client.post('/sign-in', {
      _csrf: hiddenValue(form.text, '_csrf'),
      next: hiddenValue(form.text, 'next'),
      token: service.users.am1.token,
    });
    expect(signedIn.status).toBe(303);
    expect(signedIn.headers.get('location')).toBe('/quotes?state=draft');
    const cookie = signedIn.headers.getSetCookie().find((line) => line.startsWith('gq_session='));
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    // Plain HTTP here: a Secure cookie would never come back.
    expect(cookie).not.toMatch(/Secure/);
    expect((await client.get('/quotes')).status).toBe(200);
  });

  it('stores only the hash of a session id', async () => {
    const { client } = await signIn(service, 'am2');
    const id = client.cookies.get('gq_session')!;
    const hash = createHash('sha256').update(id).digest('hex');
    const found = await service.store.findSession(hash);
    expect(found?.user.id).toBe(service.users.am2.id);
    expect(found?.session.idHash).toBe(hash);
    expect(await service.store.findSession(id)).toBeUndefined();
  });

  it('refuses an unknown token, and a sign-in form it did not hand out', async () => {
    const client = new WebClient(service.url);
    const form = await client.get('/sign-in');
    const csrf = hiddenValue(form.text, '_csrf');
    const wrongToken = await client.post('/sign-in', { _csrf: csrf, token: 'gq_not-a-token' });
    expect(wrongToken.status).toBe(401);
    expect(client.cookies.has('gq_session')).toBe(false);

    const stranger = new WebClient(service.url);
    const forged = await stranger.post('/sign-in', {
      _csrf: csrf,
      token: service.users.am1.token,
    });
    expect(forged.status).toBe(403);
    expect(stranger.cookies.has('gq_session')).toBe(false);
  });

  it('refuses a POST without the session’s CSRF token and stores nothing', async () => {
    const { client, csrf } = await signIn(service, 'am1');
    const body = { ...flatForm(REQUESTS.ENT0001()), idempotencyKey: crypto.randomUUID() };
    const before = await service.store.listQuotes({ limit: 1, offset: 0 });
    expect((await client.post('/quotes', body)).status).toBe(403);
    expect((await client.post('/quotes', { ...body, _csrf: 'x'.repeat(43) })).status).toBe(403);
    expect((await service.store.listQuotes({ limit: 1, offset: 0 })).total).toBe(before.total);

    const viaHeader = await client.post('/quotes/preview', body, { 'X-CSRF-Token': csrf });
    expect(viaHeader.status).toBe(200);
    const saved = await client.post('/quotes', { ...body, _csrf: csrf });
    expect(saved.status).toBe(303);
    expect(saved.headers.get('location')).toMatch(/^\/quotes\/Q-\d{4}-\d{6}$/);
  });

  it('checks every page against the role table', async () => {
    const { client } = await signIn(service, 'am1');
    const { quote } = await createQuote(service);
    expect((await client.get(`/quotes/${quote}/deal-sheet.pdf`)).status).toBe(403);
    const auditor = await signIn(service, 'auditor');
    const refused = await auditor.client.post('/quotes/preview', {
      _csrf: auditor.csrf,
      ...flatForm(REQUESTS.ENT0001()),
    });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('无权访问');
  });

  it('lists an account manager’s own quotes, searched by number, id or name, % only as itself', async () => {
    const { quote } = await createQuote(service);
    const { client } = await signIn(service, 'am1');
    const listed = async (query: string, as = client) =>
      [
        ...(await as.get(`/quotes?${query}`)).text.matchAll(/href="\/quotes\/(Q-\d{4}-\d{6})"/g),
      ].map((match) => match[1]);
    expect(await listed(`q=${quote}`)).toEqual([quote]);
    expect(await listed('q=ent-0001')).toContain(quote);
    expect(await listed(`q=${encodeURIComponent('华信物流')}`)).toContain(quote);
    expect(await listed('q=%25')).toEqual([]);
    expect(await listed('q=ENT_0001')).toEqual([]);
    expect(await listed('state=issued')).toEqual([]);
    // Another account manager's quotes are not theirs to find.
    const other = await signIn(service, 'am2');
    expect(await listed(`q=${quote}`, other.client)).toEqual([]);
  });

  it('opens each menu page to exactly the roles the API’s table allows', async () => {
    const menuPages = WEB_PAGES.filter((page) => page.nav && page.access !== 'public');
    expect(menuPages.length).toBeGreaterThanOrEqual(5);
    for (const who of Object.keys(USER_ROLES) as UserKey[]) {
      const { client } = await signIn(service, who);
      const home = await client.get('/quotes');
      for (const page of menuPages) {
        const allowed =
          page.access === 'signed-in' ||
          (page.access !== 'public' && mayDo(USER_ROLES[who], page.access));
        const answer = await client.get(page.path);
        expect({ who, page: page.path, status: answer.status }).toEqual({
          who,
          page: page.path,
          status: allowed ? 200 : 403,
        });
        // The menu offers exactly the pages that open.
        expect({
          who,
          page: page.path,
          inMenu: home.text.includes(`<a href="${page.path}"`),
        }).toEqual({ who, page: page.path, inMenu: allowed });
      }
    }
  });

  it('ends a session after its idle time, at its absolute end, and at sign-out', async () => {
    const idle = await signIn(service, 'pm');
    service.clock.advanceDays(0, LIFETIME.idleMs);
    expect((await idle.client.get('/quotes')).status).toBe(303);

    const busy = await signIn(service, 'fd');
    const started = service.clock.now.getTime();
    while (service.clock.now.getTime() - started < LIFETIME.absoluteMs - 20 * 60_000) {
      service.clock.advanceDays(0, 20 * 60_000);
      expect((await busy.client.get('/quotes')).status).toBe(200);
    }
    service.clock.advanceDays(0, 20 * 60_000);
    expect((await busy.client.get('/quotes')).status).toBe(303);

    const leaving = await signIn(service, 'auditor');
    const stolen = leaving.client.cookieHeader();
    const out = await leaving.client.post('/sign-out', { _csrf: leaving.csrf });
    expect(out.status).toBe(303);
    const replayed = await fetch(`${service.url}/quotes`, {
      headers: { cookie: stolen },
      redirect: 'manual',
    });
    expect(replayed.status).toBe(303);
  });
});

async function createQuote(service: TestService): Promise<{ quote: string }> {
  const created = await service.call('POST', '/api/quotes', {
    as: 'am1',
    body: REQUESTS.ENT0001(),
  });
  return { quote: (created.body as { number: string }).number };
}
