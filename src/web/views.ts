/**
 * The workspace's pages from the handlebars templates in templates/web/: each page is its own
 * template, rendered inside layout.hbs (or alone, as a fragment htmx swaps in). The words come
 * from the same locale files as the proposals (templates/locales/, under `web.` for what only the
 * pages say) and figures are formatted by the proposals' own helpers. Every value is printed with
 * `{{ }}`, which escapes it; the templates use no triple-stash.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import Handlebars from 'handlebars';
import { BUSINESS_TIME_ZONE, calendarDate } from '../calendar';
import { registerHelpers } from '../proposals/html';
import { PROPOSAL_LANGUAGES, type ProposalLanguage } from '../proposals/input';
import { loadLocale, type Locale } from '../proposals/locale';

/** What the layout shows around every page of a signed-in user (and the sign-in page). */
export interface Frame {
  title: string;
  user?: { name: string; roleName: string };
  nav: { href: string; label: string; current: boolean }[];
  csrfToken?: string;
  /** The path of this page, for the language switch to come back to. */
  here: string;
}

/** The language switch: each language named in its own words. */
export interface LanguageChoice {
  code: ProposalLanguage;
  name: string;
  current: boolean;
}

/** The language switch: each language named in its own words. */
export interface LanguageChoice {
  code: ProposalLanguage;
  name: string;
  current: boolean;
}

export class Views {
  readonly locales: Readonly<Record<ProposalLanguage, Locale>>;
  private readonly templates = new Map<string, HandlebarsTemplateDelegate>();
  private readonly layout: HandlebarsTemplateDelegate;
  private readonly handlebars = Handlebars.create();

  constructor(templatesDir: string) {
    this.locales = Object.fromEntries(
      PROPOSAL_LANGUAGES.map((lang) => [lang, loadLocale(templatesDir, lang)]),
    ) as Record<ProposalLanguage, Locale>;
    registerHelpers(this.handlebars);
    registerWebHelpers(this.handlebars);
    const webDir = join(templatesDir, 'web');
    const partialsDir = join(webDir, 'partials');
    for (const file of readdirSync(partialsDir).filter((name) => name.endsWith('.hbs'))) {
      this.handlebars.registerPartial(
        basename(file, '.hbs'),
        readFileSync(join(partialsDir, file), 'utf8'),
      );
    }
    for (const file of readdirSync(webDir).filter((name) => name.endsWith('.hbs'))) {
      this.templates.set(
        basename(file, '.hbs'),
        this.handlebars.compile(readFileSync(join(webDir, file), 'utf8'), { preventIndent: true }),
      );
    }
    this.layout = this.template('layout');
  }

  /** A whole page: the template's HTML inside the layout. */
  page(name: string, view: object, frame: Frame, lang: ProposalLanguage): string {
    const data = { locale: this.locales[lang], csrfToken: frame.csrfToken };
    const body = this.template(name)(view, { data });
    const languages: LanguageChoice[] = PROPOSAL_LANGUAGES.map((code) => ({
      code,
      name: this.locales[code].text('language.selfName'),
      current: code === lang,
    }));
    return this.layout(
      { ...frame, lang, languages, body: new this.handlebars.SafeString(body) },
      { data },
    );
  }

  /** A template alone, for htmx to swap into a page; its forms carry the session's CSRF token. */
  fragment(name: string, view: object, lang: ProposalLanguage, csrfToken?: string): string {
    return this.template(name)(view, { data: { locale: this.locales[lang], csrfToken } });
  }

  private template(name: string): HandlebarsTemplateDelegate {
    const template = this.templates.get(name);
    if (!template) throw new Error(`no template templates/web/${name}.hbs`);
    return template;
  }
}

type HelperOptions = Handlebars.HelperOptions & { data: { locale: Locale } };

function registerWebHelpers(handlebars: typeof Handlebars): void {
  handlebars.registerHelper('eq', (left: unknown, right: unknown) => left === right);
  /** `{{t (concat "quoteStates." state)}}`: a locale key built from a code. */
  handlebars.registerHelper('concat', (...parts: unknown[]) =>
    parts.slice(0, -1).map(String).join(''),
  );
  /** The locale's words for a code, or the code itself when the locale has none (a new tier). */
  handlebars.registerHelper(
    'codeLabel',
    (group: unknown, code: unknown, options: HelperOptions) => {
      const text = String(code);
      return options.data.locale.optionalText(`${String(group)}.${text}`) ?? text;
    },
  );
  /** An instant as the date and time in China, to the minute: `2026-11-27 17:05`. */
  handlebars.registerHelper('instant', (value: unknown) => {
    if (typeof value !== 'string' || value === '') return '';
    return `${calendarDate(value)} ${chinaTime(new Date(value))}`;
  });
  /** Text for a query string: `?next={{url here}}`. */
  handlebars.registerHelper('url', (value: unknown) => encodeURIComponent(String(value ?? '')));
  /** htmx's headers for every request of a signed-in page: the session's CSRF token. */
  handlebars.registerHelper('csrfHeaders', (token: unknown) => ({ 'X-CSRF-Token': String(token) }));
  /** JSON for an attribute htmx reads (hx-headers, hx-vals); `{{ }}` escapes it for HTML. */
  handlebars.registerHelper('json', (value: unknown) => JSON.stringify(value));
}

/** Built once: constructing an Intl formatter costs far more than formatting with one. */
const CHINA_TIME = new Intl.DateTimeFormat('en-GB', {
  timeZone: BUSINESS_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

function chinaTime(instant: Date): string {
  return CHINA_TIME.format(instant);
}
