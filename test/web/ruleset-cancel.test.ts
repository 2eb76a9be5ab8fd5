/**
 * Scheduling and cancelling a publication from a rule set's page (plain HTTP, as a browser
 * without JavaScript would): the publish form takes an optional effective-from in China time and
 * refuses one already past or not a time; the page says when the set goes live and offers the
 * cancel form to whoever may publish; the form wants a note and a ticked box; finance reads the
 * page without the form.
 */
import { ruleSetHash } from '../../src/rules/compile';
import { sampleSnapshot } from '../support/rule-set-copy';
import { startTestService, type TestService } from '../http/support';
import { messageFor } from '../../src/messages/messages';
import { hiddenValue, signIn, unescapeHtml } from './support';

let service: TestService;
let hash: string;
let due: string;

beforeAll(async () => {
  service = await startTestService();
  const snapshot = sampleSnapshot();
  (snapshot.files as Record<string, { validityDays?: number }>)['tariff.json']!.validityDays = 42;
  hash = ruleSetHash(snapshot);
  const now = service.clock.now.toISOString();
  await service.store.pushRuleSet({ hash, snapshot, author: 'an-analyst', note: 'validity', now });
  due = new Date(service.clock.now.getTime() + 7 * 86_400_000).toISOString();
  await service.store.publishRuleSet({
    hash,
    kind: 'publish',
    note: 'next week',
    actorId: service.users.pm.id,
    now,
    effectiveFrom: due,
  });
});
afterAll(() => service.close());

describe('cancelling a scheduled publication on its page', () => {
  it('shows finance when it goes live, without the form', async () => {
    const { client } = await signIn(service, 'fd');
    const page = await client.get(`/rulesets/${hash}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('计划发布');
    expect(page.text).not.toContain(`action="/rulesets/${hash}/cancel"`);
    const { csrf } = await signIn(service, 'fd');
    const refused = await client.post(`/rulesets/${hash}/cancel`, {
      _csrf: csrf,
      note: 'x',
      confirm: 'yes',
    });
    expect(refused.status).toBe(403);
  });

  it('wants the box ticked, then cancels it for a pricing manager, and the list says so', async () => {
    const { client } = await signIn(service, 'pm');
    const page = await client.get(`/rulesets/${hash}`);
    expect(page.text).toContain(`action="/rulesets/${hash}/cancel"`);
    const csrf = hiddenValue(page.text, '_csrf');
    const unticked = await client.post(`/rulesets/${hash}/cancel`, { _csrf: csrf, note: '不发了' });
    expect(unticked.status).toBe(400);
    expect(unescapeHtml(unticked.text)).toContain('请勾选确认框');
    const cancelled = await client.post(`/rulesets/${hash}/cancel`, {
      _csrf: csrf,
      note: '不发了',
      confirm: 'yes',
    });
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.get('location')).toBe('/rulesets?done=cancel');
    const list = await client.get('/rulesets?done=cancel');
    expect(list.text).toContain('已取消：这次计划发布不会生效。');
    expect(list.text).toContain('已取消</td>');
    const after = await client.get(`/rulesets/${hash}`);
    expect(after.text).not.toContain(`action="/rulesets/${hash}/cancel"`);
    const history = await service.store.listPublications();
    expect(history.find((publication) => publication.hash === hash)).toMatchObject({
      status: 'cancelled',
      cancelledBy: service.users.pm.id,
    });
  });
});

describe('scheduling a publication from its page', () => {
  const CHINA_MS = 8 * 3_600_000;
  /** An instant as a datetime-local input in China shows it: `2026-12-04T17:00`. */
  const wallClock = (instant: Date) =>
    new Date(instant.getTime() + CHINA_MS).toISOString().slice(0, 16);

  it('refuses a time already past or not a time, then schedules one ahead in China time', async () => {
    const snapshot = sampleSnapshot();
    (snapshot.files as Record<string, { validityDays?: number }>)['tariff.json']!.validityDays = 43;
    const later = ruleSetHash(snapshot);
    const now = service.clock.now;
    await service.store.pushRuleSet({
      hash: later,
      snapshot,
      author: 'an-analyst',
      note: 'validity 43',
      now: now.toISOString(),
    });
    const { client } = await signIn(service, 'pm');
    const page = await client.get(`/rulesets/${later}`);
    expect(page.text).toMatch(
      /<input id="publish-from" name="effectiveFrom" type="datetime-local"/,
    );
    const csrf = hiddenValue(page.text, '_csrf');
    const publish = (effectiveFrom: string) =>
      client.post(`/rulesets/${later}/publish`, {
        _csrf: csrf,
        note: '下周生效',
        confirm: 'yes',
        effectiveFrom,
      });

    const past = await publish(wallClock(new Date(now.getTime() - 3_600_000)));
    expect(past.status).toBe(400);
    expect(unescapeHtml(past.text)).toContain(
      messageFor('rulesets.effectiveFromPast', { now: now.toISOString() }, 'zh-CN'),
    );
    for (const malformed of ['下周一', '2027-02-30T09:00']) {
      const refused = await publish(malformed);
      expect(refused.status).toBe(400);
      expect(unescapeHtml(refused.text)).toContain(
        `effectiveFrom: ${messageFor('issues.isoInstant', {}, 'zh-CN')}`,
      );
    }
    expect(
      (await service.store.listPublications()).filter((entry) => entry.hash === later),
    ).toEqual([]);

    const due = new Date(Math.ceil((now.getTime() + 3 * 86_400_000) / 60_000) * 60_000);
    const scheduled = await publish(wallClock(due));
    expect(scheduled.status).toBe(303);
    expect(scheduled.headers.get('location')).toBe('/rulesets?done=publish');
    expect(
      (await service.store.listPublications()).find((entry) => entry.hash === later),
    ).toMatchObject({ status: 'scheduled', effectiveFrom: due.toISOString() });
    expect((await client.get(`/rulesets/${later}`)).text).toContain(
      `action="/rulesets/${later}/cancel"`,
    );
  });
});
