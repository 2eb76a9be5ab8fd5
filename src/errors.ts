/**
 * The one application error type. Every expected failure is an AppError with a kind from a small
 * fixed set; the HTTP layer maps kinds to statuses in one place and the CLI maps them to exit codes.
 */
import type { z } from 'zod';
import { EMAIL_ADDRESS_MESSAGE, PHONE_NUMBER_MESSAGE, QUOTE_NUMBER_MESSAGE } from './domain';

export type AppErrorKind =
  | 'invalid-input'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'ineligible'
  | 'payload-too-large'
  | 'unavailable'
  | 'rule-set'
  /**
   * The rule set contradicts itself for this request (two rules decide one thing): the tariff's
   * defect, not the server's, named by `rules`; `quote rules validate` finds it beforehand.
   */
  | 'rule-conflict';

/** A value of an enumeration as an error lists it: its code and, where declared, its names. */
export interface EnumChoice {
  code: string;
  names?: { 'zh-CN': string; en: string };
}

/**
 * What fills a message's `{placeholder}`: text as it is, a list of choices (worded and joined in
 * the reader's language), a `term` looked up under `errors.` in the locale files, or `clauses`:
 * messages of their own, each worded and joined as the language joins clauses.
 */
export type MessageParam =
  string | number | readonly EnumChoice[] | { term: string } | { clauses: readonly MessageText[] };

/**
 * A message worded in the reader's language when it is shown: its key under `errors.` in the
 * locale files (templates/locales) and what fills it.
 */
export interface MessageText {
  key: string;
  params?: Readonly<Record<string, MessageParam>>;
}

/** English messages that schemas give, with their keys in the locale files (see worded). */
const textOfMessage = new Map<string, MessageText>();

/**
 * `english`, a message a schema gives, registered with its key under `errors.` in the locale
 * files, so that an issue carrying it can be worded in another language. Answers `english`.
 */
export function worded(
  english: string,
  key: string,
  params?: Readonly<Record<string, MessageParam>>,
): string {
  textOfMessage.set(english, params ? { key, params } : { key });
  return english;
}

// The domain's own messages: it imports nothing, so they are worded here, where every parse that
// could raise them is turned into field issues.
worded(QUOTE_NUMBER_MESSAGE, 'issues.quoteNumber');
worded(PHONE_NUMBER_MESSAGE, 'issues.phoneNumber');
worded(EMAIL_ADDRESS_MESSAGE, 'issues.emailAddress');

/** One problem with one field: `path` locates it (`usagePerLine.dataGB`, `handsets.0.model`). */
export interface FieldIssue {
  path: string;
  /** In English, as the command line and a caller without Accept-Language read it. */
  message: string;
  /** The same problem, to be worded in another language; absent where only English exists. */
  text?: MessageText;
}

export class AppError extends Error {
  constructor(
    readonly kind: AppErrorKind,
    message: string,
    readonly details: { issues?: FieldIssue[]; reasons?: string[]; [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The message worded in the reader's language, where the thrower gave one (see FieldIssue.text). */
  get text(): MessageText | undefined {
    return this.details.text as MessageText | undefined;
  }

  static invalidInput(issues: FieldIssue[], message = 'invalid request'): AppError {
    return new AppError('invalid-input', message, { issues });
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/** Dotted path of a zod issue: `handsets.0.model`; the value itself is `(request)`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(request)' : path.map(String).join('.');
}

type ZodIssue = z.core.$ZodIssue;

/**
 * Each issue with its full path, a failed union reported through the branch the value was
 * written for (the one it has no unknown key for): `{ "item", "percent": 5 }` is an item
 * adjustment with a bad percent, not two failed alternatives. When no branch fits, or the value
 * is missing altogether, the union's own message stands. Parse with `reportInput: true`.
 */
export function resolveUnions(
  issues: readonly ZodIssue[],
  base: readonly PropertyKey[] = [],
): { issue: ZodIssue; path: PropertyKey[] }[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.input !== undefined) {
      const branch = issue.errors.find((errors) => errors.every(fits));
      if (branch) return resolveUnions(branch, path);
    }
    return [{ issue, path }];
  });
}

/** A branch fits a value unless the value is not even its kind of object, or has keys it lacks. */
function fits(issue: ZodIssue): boolean {
  if (issue.path.length > 0) return true;
  if (issue.code === 'invalid_union') return issue.errors.some((errors) => errors.every(fits));
  return issue.code !== 'unrecognized_keys' && issue.code !== 'invalid_type';
}

/**
 * Every issue of a failed zod parse, each located by its dotted path. `choicesAt` names the
 * values of an enumeration at a path (a declared customer fact's), for a message that lists them.
 */
export function toFieldIssues(
  error: z.ZodError,
  choicesAt: (path: string) => readonly EnumChoice[] | undefined = () => undefined,
): FieldIssue[] {
  return resolveUnions(error.issues).map(({ issue, path }) => {
    const at = issuePath(path);
    const choices = choicesAt(at);
    const text =
      (choices ? undefined : textOfMessage.get(issue.message)) ?? issueText(issue, choices);
    return { path: at, message: issue.message, ...(text ? { text } : {}) };
  });
}

/**
 * An issue's message in the locale files: the one its schema registered (worded), else what its
 * code says.
 */
export function textOfIssue(issue: ZodIssue): MessageText | undefined {
  return textOfMessage.get(issue.message) ?? issueText(issue);
}

/** A zod issue as a message of the locale files, where its code says all there is to say. */
function issueText(issue: ZodIssue, choices?: readonly EnumChoice[]): MessageText | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? { key: 'issues.required' }
        : { key: 'issues.invalid_type', params: { expected: { term: `types.${issue.expected}` } } };
    case 'invalid_value':
      return {
        key: 'issues.invalid_value',
        params: { allowed: choices ?? issue.values.map((value) => ({ code: String(value) })) },
      };
    case 'too_small':
    case 'too_big': {
      const bound = String(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const length =
        issue.origin === 'string'
          ? issue.code === 'too_small'
            ? 'too_short'
            : 'too_long'
          : issue.code;
      return {
        key: `issues.${length}`,
        params: issue.code === 'too_small' ? { minimum: bound } : { maximum: bound },
      };
    }
    case 'unrecognized_keys':
      return {
        key: 'issues.unrecognized_keys',
        params: { keys: issue.keys.map((key) => ({ code: key })) },
      };
    case 'custom':
      // A refinement words its issue for other languages in its params (`{ text: { key, params } }`).
      return (issue.params as { text?: MessageText } | undefined)?.text;
    default:
      return undefined;
  }
}
