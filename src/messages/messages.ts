/**
 * Error messages in the reader's language (issue 16). The words live under `errors` in the locale
 * files (templates/locales/<lang>.json) beside the proposals' and pages' words, so a translator
 * edits JSON and never code. The API words an error in the language its caller's Accept-Language
 * prefers; pages in the language the browser chose; both through messageFor.
 */
import { PROPOSAL_LANGUAGES, type ProposalLanguage } from '../proposals/input';
import { loadLocale, type Locale } from '../proposals/locale';
import { TEMPLATES_DIR } from '../proposals/html';
import type { AppError, AppErrorKind, FieldIssue, MessageParam, MessageText } from '../errors';
import type { AuditVerification, AuditVerificationAnswer } from '../store/types';

export type MessageLocale = ProposalLanguage;
export const MESSAGE_LOCALES = PROPOSAL_LANGUAGES;
/** The API answered in English before it spoke Chinese; a caller that asks for nothing still gets it. */
export const DEFAULT_MESSAGE_LOCALE: MessageLocale = 'en';

/** Every kind an error body may carry: an AppError's, a defect's, the throttle's. */
export type ErrorBodyKind = AppErrorKind | 'internal' | 'rate-limited';

const locales = new Map<MessageLocale, Locale>();

function localeFor(lang: MessageLocale): Locale {
  let locale = locales.get(lang);
  if (!locale) {
    locale = loadLocale(TEMPLATES_DIR, lang);
    locales.set(lang, locale);
  }
  return locale;
}

/**
 * The text at `errors.<key>` in `locale`, its `{placeholders}` filled: lists of choices are worded
 * (`logistics（物流）`) and joined as the language joins them, `{ term }`s looked up under errors.
 * Throws when the key is missing (a test checks every key in every language).
 */
export function messageFor(
  key: string,
  params: Readonly<Record<string, MessageParam>> = {},
  locale: MessageLocale = DEFAULT_MESSAGE_LOCALE,
): string {
  const words = localeFor(locale);
  const values: Record<string, string> = {};
  for (const [name, param] of Object.entries(params)) {
    if (typeof param === 'string' || typeof param === 'number') values[name] = String(param);
    else if (Array.isArray(param)) {
      values[name] = param
        .map((choice) =>
          choice.names
            ? words.text('errors.enumValue', { code: choice.code, name: choice.names[locale] })
            : choice.code,
        )
        .join(words.text('errors.listSeparator'));
    } else if ('clauses' in param) {
      values[name] = param.clauses
        .map((clause) => render(clause, locale))
        .join(words.text('errors.clauseSeparator'));
    } else {
      const { term } = param as { term: string };
      values[name] = words.optionalText(`errors.${term}`) ?? term.split('.').at(-1)!;
    }
  }
  return words.text(`errors.${key}`, values);
}

/** A field issue in `locale`: its own words where it has them there, else as it was raised. */
export function issueMessage(issue: FieldIssue, locale: MessageLocale): string {
  if (locale === DEFAULT_MESSAGE_LOCALE || !issue.text) return issue.message;
  return render(issue.text, locale);
}

/**
 * An error's message in `locale`. English is written where the error is raised and says the most;
 * another language words the error's own text when it has one, else its kind with every field
 * issue in that language.
 */
export function errorMessage(
  error: Pick<AppError, 'kind' | 'message' | 'text' | 'details'>,
  locale: MessageLocale,
): string {
  if (locale === DEFAULT_MESSAGE_LOCALE) return error.message;
  if (error.text) return render(error.text, locale);
  const issues = (error.details.issues ?? []).map(
    (issue) => `${issue.path}: ${issueMessage(issue, locale)}`,
  );
  return messageFor(`kinds.${error.kind}`, { issues: issues.join('; ') }, locale);
}

/**
 * An audit verification as a reader in `locale` reads it: each problem's message and each note in
 * that language (English as raised), and nothing else of their words, so an answer matches the
 * API's AuditVerification.
 */
export function auditVerificationIn(
  { notes, ...verification }: AuditVerification,
  locale: MessageLocale,
): AuditVerificationAnswer {
  const worded = (message: string, text: MessageText | undefined) =>
    text && locale !== DEFAULT_MESSAGE_LOCALE ? render(text, locale) : message;
  return {
    ...verification,
    problems: verification.problems.map(({ text, ...problem }) => ({
      ...problem,
      message: worded(problem.message, text),
    })),
    ...(notes ? { notes: notes.map((note) => worded(note.message, note.text)) } : {}),
  };
}

function render(text: MessageText, locale: MessageLocale): string {
  return messageFor(text.key, text.params ?? {}, locale);
}

/**
 * The language an Accept-Language header prefers among those there are words for (RFC 9110
 * §12.5.4: weights, `zh` for any Chinese, `*`), the default when it names none of them.
 */
export function localeFromAcceptLanguage(header: string | undefined): MessageLocale {
  if (!header) return DEFAULT_MESSAGE_LOCALE;
  const ranked = header
    .split(',')
    .map((entry, order) => {
      const [range = '', ...parameters] = entry.trim().split(';');
      const weight = parameters
        .map((parameter) => /^\s*q=([0-9.]+)\s*$/i.exec(parameter)?.[1])
        .find((value) => value !== undefined);
      return { range: range.trim().toLowerCase(), weight: weight ? Number(weight) : 1, order };
    })
    .filter((entry) => entry.range !== '' && entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.order - b.order);
  for (const { range } of ranked) {
    if (range === '*') return DEFAULT_MESSAGE_LOCALE;
    const match = MESSAGE_LOCALES.find(
      (locale) =>
        locale.toLowerCase() === range ||
        locale.toLowerCase().split('-')[0] === range.split('-')[0],
    );
    if (match) return match;
  }
  return DEFAULT_MESSAGE_LOCALE;
}
