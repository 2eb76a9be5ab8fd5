/**
 * Proposal and deal-sheet HTML from the handlebars templates in templates/. Pure apart from
 * reading the templates once: input in, HTML out. Every value a template prints is escaped by
 * handlebars (`{{ }}` only; the templates use no triple-stash), so an enterprise name such as
 * `<img src=…>` prints as text and never becomes markup.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import Handlebars from 'handlebars';
import { LRUCache } from 'lru-cache';
import { formatDate, formatPercentPoints, formatQuantity, formatRate, formatYuan } from './format';
import type {
  ProposalDocument,
  ProposalInput,
  ProposalLanguage,
  ProposalRenderOptions,
} from './input';
import { PROPOSAL_LANGUAGES } from './input';
import { loadLocale, type Locale } from './locale';
import { customerView, dealSheetView } from './view';

/** The repository's templates/ (the same from src/proposals and from dist/proposals). */
export const TEMPLATES_DIR = resolve(__dirname, '../../templates');

/** What Chromium prints: the page, and the running header and footer with page X of Y. */
export interface ProposalPrintJob {
  html: string;
  headerTemplate: string;
  footerTemplate: string;
}

interface TemplateSet {
  documents: Record<ProposalDocument, HandlebarsTemplateDelegate>;
  header: HandlebarsTemplateDelegate;
  footer: HandlebarsTemplateDelegate;
  locales: Record<ProposalLanguage, Locale>;
}

/** Compiled templates by directory: the service uses one, tests a few; a dropped one is compiled again. */
const templateSets = new LRUCache<string, TemplateSet>({ max: 8 });

/** The customer's proposal or the internal deal sheet as one self-contained HTML document. */
export function renderProposalHtml(
  input: ProposalInput,
  options: ProposalRenderOptions,
  templatesDir: string = TEMPLATES_DIR,
): string {
  return proposalPrintJob(input, options, templatesDir).html;
}

/** The HTML plus the header and footer templates, exactly as the renderer hands them to Chromium. */
export function proposalPrintJob(
  input: ProposalInput,
  options: ProposalRenderOptions,
  templatesDir: string = TEMPLATES_DIR,
): ProposalPrintJob {
  const templates = templateSet(templatesDir);
  const locale = templates.locales[options.lang];
  if (!locale) throw new TypeError(`no proposal language ${JSON.stringify(options.lang)}`);
  const view =
    options.document === 'deal-sheet' ? dealSheetView(input, locale) : customerView(input, locale);
  const template = templates.documents[options.document];
  if (!template) throw new TypeError(`no proposal document ${JSON.stringify(options.document)}`);
  const runtime = { data: { locale } };
  return {
    html: template(view, runtime),
    headerTemplate: templates.header(view, runtime),
    footerTemplate: templates.footer(view, runtime),
  };
}

function templateSet(templatesDir: string): TemplateSet {
  let set = templateSets.get(templatesDir);
  if (!set) {
    set = compileTemplates(templatesDir);
    templateSets.set(templatesDir, set);
  }
  return set;
}

function compileTemplates(templatesDir: string): TemplateSet {
  const handlebars = Handlebars.create();
  registerHelpers(handlebars);
  const partialsDir = join(templatesDir, 'partials');
  for (const file of readdirSync(partialsDir).filter((name) => name.endsWith('.hbs'))) {
    handlebars.registerPartial(
      basename(file, '.hbs'),
      readFileSync(join(partialsDir, file), 'utf8'),
    );
  }
  // The stylesheets are ours, inlined so that the page needs nothing from outside.
  handlebars.registerPartial('styles', readFileSync(join(templatesDir, 'styles.css'), 'utf8'));
  handlebars.registerPartial('fonts', readFileSync(join(templatesDir, 'fonts.css'), 'utf8'));
  const compile = (name: string) =>
    handlebars.compile(readFileSync(join(templatesDir, `${name}.hbs`), 'utf8'), {
      strict: true,
      preventIndent: true,
    });
  return {
    documents: { proposal: compile('proposal'), 'deal-sheet': compile('deal-sheet') },
    header: compile('page-header'),
    footer: compile('page-footer'),
    locales: Object.fromEntries(
      PROPOSAL_LANGUAGES.map((lang) => [lang, loadLocale(templatesDir, lang)]),
    ) as Record<ProposalLanguage, Locale>,
  };
}

type HelperOptions = Handlebars.HelperOptions & { data: { locale: Locale } };

/**
 * The helpers every groupquote template formats with (`t`, `money`, `discount`, `quantity`,
 * `percent`, `rate`, `date`, `isZero`, `pageOf`), reading the locale from the template's data: the
 * proposals, and the web workspace's pages, which show figures exactly as the proposals print them.
 */
export function registerHelpers(handlebars: typeof Handlebars): void {
  const required = (value: unknown, helper: string): string => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      throw new TypeError(
        `{{${helper}}} needs a value, got ${value === undefined ? 'nothing' : typeof value}`,
      );
    }
    return String(value);
  };
  /** `{{t "items.net" months=termMonths}}`: the locale's words, placeholders filled from the hash. */
  handlebars.registerHelper('t', (key: unknown, options: HelperOptions) => {
    const values: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.hash as Record<string, unknown>))
      values[name] = required(value, `t ${String(key)} ${name}=`);
    return options.data.locale.text(required(key, 't'), values);
  });
  handlebars.registerHelper('money', (amount: unknown) => formatYuan(required(amount, 'money')));
  /** A discount of nothing reads as a dash, so that the real discounts stand out. */
  handlebars.registerHelper('discount', (amount: unknown) => {
    const text = required(amount, 'discount');
    return /^0+(\.0+)?$/.test(text) ? '—' : `−${formatYuan(text)}`;
  });
  handlebars.registerHelper('quantity', (quantity: unknown) =>
    formatQuantity(required(quantity, 'quantity')),
  );
  handlebars.registerHelper('percent', (points: unknown) =>
    formatPercentPoints(required(points, 'percent')),
  );
  handlebars.registerHelper('rate', (fraction: unknown) => formatRate(required(fraction, 'rate')));
  handlebars.registerHelper('date', (isoDate: unknown, options: HelperOptions) =>
    formatDate(required(isoDate, 'date'), options.data.locale.dateWords),
  );
  handlebars.registerHelper('isZero', (amount: unknown) =>
    /^0+(\.0+)?$/.test(required(amount, 'isZero')),
  );
  /**
   * "Page {page} of {pages}" for Chromium's header and footer: the locale's words are escaped, then
   * the placeholders become the spans Chromium fills with the page number and the page count.
   */
  handlebars.registerHelper('pageOf', (options: HelperOptions) => {
    const words = handlebars.escapeExpression(
      options.data.locale.text('page.of', { page: '\u0000page\u0000', pages: '\u0000pages\u0000' }),
    );
    return new handlebars.SafeString(
      words
        .replace('\u0000pages\u0000', '<span class="totalPages"></span>')
        .replace('\u0000page\u0000', '<span class="pageNumber"></span>'),
    );
  });
}
