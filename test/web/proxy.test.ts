import { startTestService, type TestService } from '../http/support';
import { hiddenValue, WebClient } from './support';

// Behind a proxy that ends TLS, the service sees plain HTTP; only a proxy it was told to believe
// (TRUST_PROXY) can say the browser used https, and only then is the session cookie Secure.
async function sessionCookieOver(service: TestService, headers: Record<string, string>) {
  const client = new WebClient(service.url);
  const form = await client.request('GET', '/sign-in', { headers });
  const signedIn = await client.request('POST', '/sign-in', {
    headers,
    form: { _csrf: hiddenValue(form.text, '_csrf'), next: '/', token: service.users.am1.token },
  });
  expect(signedIn.status).toBe(303);
  return signedIn.headers.getSetCookie().find((line) => line.startsWith('gq_session='));
}

describe.each([
  ['a proxy on loopback is believed', 'loopback' as const, true],
  ['no proxy is believed by default', undefined, false],
])('session cookie behind a TLS proxy: %s', (_name, trustProxy, secure) => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService(trustProxy ? { trustProxy: [trustProxy] } : {});
  });
  afterAll(() => service.close());

  it(`is ${secure ? '' : 'not '}Secure when the proxy says https`, async () => {
    const cookie = await sessionCookieOver(service, { 'x-forwarded-proto': 'https' });
    expect(cookie).toMatch(/; HttpOnly/);
    if (secure) expect(cookie).toMatch(/; Secure/);
    else expect(cookie).not.toMatch(/Secure/);
  });

  it('is not Secure over plain http', async () => {
    expect(await sessionCookieOver(service, {})).not.toMatch(/Secure/);
  });
});
