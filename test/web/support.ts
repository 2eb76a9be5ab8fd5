/**
 * The web workspace over plain HTTP, as a browser without JavaScript would use it: a cookie jar,
 * the sign-in form, and forms posted with the session's CSRF token. The Chromium suites
 * (browser.test.ts) drive the same pages with JavaScript on.
 */
import type { QuoteRequestBody, TestService, UserKey } from '../http/support';

export interface PageResponse {
  status: number;
  headers: Headers;
  text: string;
}

export class WebClient {
  readonly cookies = new Map<string, string>();

  constructor(private readonly base: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  async request(
    method: 'GET' | 'POST',
    path: string,
    options: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<PageResponse> {
    const headers: Record<string, string> = { ...options.headers };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    let body: string | undefined;
    if (options.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const response = await fetch(this.base + path, {
      method,
      headers,
      redirect: 'manual',
      ...(body !== undefined ? { body } : {}),
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const [name = '', value = ''] = pair.split('=');
      if (/Max-Age=0/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return { status: response.status, headers: response.headers, text: await response.text() };
  }

  get(path: string, headers: Record<string, string> = {}): Promise<PageResponse> {
    return this.request('GET', path, { headers });
  }

  post(
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<PageResponse> {
    return this.request('POST', path, { form, headers });
  }
}

/** The value of a hidden input in a page. */
export function hiddenValue(html: string, name: string): string {
  const match = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!match?.[1]) throw new Error(`no hidden ${name} in the page`);
  return unescapeHtml(match[1]);
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
  '&#x60;': '`',
  '&#x3D;': '=',
};

/** Text as handlebars escaped it, back as it was. */
export function unescapeHtml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (entity) => ENTITIES[entity] ?? entity);
}

/** Signs a harness user in through the sign-in form; returns the client and its CSRF token. */
export async function signIn(
  service: TestService,
  who: UserKey,
): Promise<{ client: WebClient; csrf: string }> {
  const client = new WebClient(service.url);
  const form = await client.get('/sign-in');
  const signedIn = await client.post('/sign-in', {
    _csrf: hiddenValue(form.text, '_csrf'),
    next: '/',
    token: service.users[who].token,
  });
  if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
  const page = await client.get('/quotes');
  return { client, csrf: hiddenValue(page.text, '_csrf') };
}

/** A quote request as the new-quote form posts it. */
export function flatForm(request: QuoteRequestBody): Record<string, string> {
  const form: Record<string, string> = {
    termMonths: String(request.termMonths),
    lines: String(request.lines),
  };
  for (const [name, value] of Object.entries(request.enterprise))
    form[`enterprise.${name}`] = value;
  for (const [name, value] of Object.entries(request.usagePerLine))
    form[`usagePerLine.${name}`] = value;
  if (request.ringbackTone) form.ringbackTone = 'true';
  for (const handset of request.handsets)
    form[`handset.${handset.model}`] = String(handset.quantity);
  return form;
}
