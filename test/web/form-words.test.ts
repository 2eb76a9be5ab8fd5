/**
 * The new-quote form's refusals in the page's language: a value the request schema refuses with
 * words of its own (a negotiated percent with three decimals or over 100, a blank reason, a
 * control character in a name) is named in Chinese on a Chinese page, in English on an English
 * one, never in the other language.
 */
import { messageFor } from '../../src/messages/messages';
import { REQUESTS, startTestService, type TestService } from '../http/support';
import { flatForm, signIn, unescapeHtml } from './support';

let service: TestService;

beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const CASES: {
  name: string;
  form: Record<string, string>;
  key: string;
  params?: Record<string, string>;
  english: string;
}[] = [
  {
    name: 'a percent with three decimals',
    form: { 'adjustments.0.percent': '5.125', 'adjustments.0.reason': '竞品报价' },
    key: 'issues.percentDecimals',
    english: 'must have at most two decimals',
  },
  {
    name: 'a percent over 100',
    form: { 'adjustments.0.percent': '120', 'adjustments.0.reason': '竞品报价' },
    key: 'issues.percentOver100',
    english: 'must be at most 100 (percent points)',
  },
  {
    name: 'a blank reason',
    form: { 'adjustments.0.percent': '5', 'adjustments.0.reason': ' ' },
    key: 'issues.noReason',
    english: 'say why the discount was negotiated',
  },
  {
    name: 'a control character in the enterprise name',
    form: { 'enterprise.name': 'Acme\u0007 Ltd' },
    key: 'issues.unsafeText',
    params: { codePoint: 'U+0007', position: '5' },
    english: 'must not contain control characters',
  },
];

describe.each(['zh-CN', 'en'] as const)('the quote form refusing a value in %s', (lang) => {
  it.each(CASES)('names $name in the page’s language', async (example) => {
    const { client, csrf } = await signIn(service, 'am1');
    await client.get(`/language/${lang}?next=/quotes/new`);
    const form = {
      ...flatForm(REQUESTS.ENT0001()),
      'adjustments.0.target': 'item:LD_MIN',
      _csrf: csrf,
      ...example.form,
    };
    const preview = await client.post('/quotes/preview', form, { 'HX-Request': 'true' });
    expect(preview.status).toBe(200);
    const text = unescapeHtml(preview.text);
    if (lang === 'en') {
      // English is the schema's own message, which may say more than the catalogue's words.
      expect(text).toContain(example.english);
    } else {
      expect(text).toContain(messageFor(example.key, example.params ?? {}, lang));
      expect(text).not.toContain(example.english);
    }
  });
});
