/**
 * Problems with a rule set, as data: `{ file, path, code, message }`, so the command line, the
 * API and an editor can all show them. Structure is zod's to judge (src/rules/files.ts, with its
 * messages); this module turns zod's issues into problems located inside the file.
 */
import type { z } from 'zod';
import { resolveUnions, textOfIssue, type MessageText } from '../errors';
import { DECIMAL_PATTERN } from '../domain';

export type ProblemCode =
  | 'invalid-json'
  | 'missing-file'
  | 'unknown-file'
  | 'schema'
  | 'invalid-condition'
  | 'unknown-fact'
  | 'unknown-path'
  | 'unknown-operator'
  | 'invalid-operator'
  | 'invalid-value'
  | 'unknown-component'
  | 'invalid-params'
  | 'wrong-phase'
  | 'unknown-item'
  | 'unknown-tier'
  | 'duplicate'
  | 'missing-cost'
  | 'priority-order';

/** One problem in one file, located by a dotted path inside it. */
export interface Problem {
  file: string;
  path: string;
  code: ProblemCode;
  message: string;
  /** Its words in the reader's language, where the locale files have them (`errors.<key>`). */
  text?: MessageText;
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

/** Generic wording for what the schemas leave to zod; their own messages take precedence. */
const errorMap: z.core.$ZodErrorMap = (issue) => {
  if (
    issue.code === 'invalid_type' &&
    typeof issue.input === 'number' &&
    issue.inst !== undefined &&
    expectsDecimalString(issue.inst)
  )
    return DECIMAL_WRITTEN_AS_NUMBER;
  // An unknown key is worded where it is placed, key by key (located, below).
  if (issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_type') return `must be ${KINDS[issue.expected] ?? issue.expected}`;
  if (issue.code === 'invalid_value')
    return `must be one of ${issue.values.map((value) => String(value)).join(', ')}`;
  return undefined;
};

/**
 * A JSON number where the schema wants a decimal string (`"percent": 35`): the usual slip, since
 * a number looks right. problemAt turns it into the fix, naming the field.
 */
const DECIMAL_WRITTEN_AS_NUMBER = 'must be a decimal string in quotes, not a JSON number';

/** Decimal strings are strings checked against one pattern (src/domain/decimal.ts). */
function expectsDecimalString(schema: z.core.$ZodType | z.core.$ZodCheck): boolean {
  const { checks = [] } = (schema as z.core.$ZodType)._zod.def;
  return checks.some((check) => {
    const { pattern } = check._zod.def as { pattern?: unknown };
    return pattern instanceof RegExp && pattern.source === DECIMAL_PATTERN.source;
  });
}

/** `write "percent": "35", not "percent": 35` for the field at the end of `path`. */
function decimalFix(issue: Issue, path: Path): { message: string; text: MessageText } | undefined {
  if (issue.message !== DECIMAL_WRITTEN_AS_NUMBER) return undefined;
  const number = String(issue.input);
  // An array's place is a number in zod's path, an object's key (even "123") a string.
  const key = path.at(-1);
  const field = typeof key === 'string' ? `${JSON.stringify(key)}: ` : '';
  return {
    message: `a decimal is a string in quotes: write ${field}"${number}", not ${field}${number}`,
    text: { key: 'rules.decimalFix', params: { field, number } },
  };
}

const KINDS: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'an array',
  object: 'an object',
};

/** Parses one file's content with its schema: the data, or every problem zod found in it. */
export function parseFileContent<S extends z.ZodType>(
  file: string,
  content: unknown,
  schema: S,
): { data: z.output<S>; problems: [] } | { data: undefined; problems: Problem[] } {
  const result = schema.safeParse(content, { error: errorMap, reportInput: true });
  if (result.success) return { data: result.data, problems: [] };
  return {
    data: undefined,
    problems: located(result.error.issues).map(({ issue, path }) =>
      problemAt(file, path, issue, content),
    ),
  };
}

/**
 * Each issue with its full path (unions resolved through the branch the value was written for:
 * src/errors.ts), an unknown key reported at the key itself: a `{ "fact", "operator": "gte",
 * "value" }` condition is a leaf with a bad operator, not four failed alternatives.
 */
function located(issues: readonly Issue[]): { issue: Issue; path: Path }[] {
  return resolveUnions(issues).flatMap(({ issue, path }): { issue: Issue; path: Path }[] => {
    if (issue.code !== 'unrecognized_keys') return [{ issue, path }];
    return issue.keys.map((key) => ({
      // One key each, in its message and in the words of other languages.
      issue: { ...issue, keys: [key], message: `unknown key ${JSON.stringify(key)}` },
      path: [...path, key],
    }));
  });
}

/** Which kind of problem an issue is, from where it is in a rule file. */
function problemAt(file: string, path: Path, issue: Issue, content: unknown): Problem {
  const segments = path.map(String);
  const dotted = segments.join('.');
  const fix = decimalFix(issue, path);
  const message = fix?.message ?? issue.message;
  const text = fix?.text ?? textOfIssue(issue);
  const worded = text ? { text } : {};
  const eventAt = segments.indexOf('event');
  if (eventAt >= 0 && segments[eventAt + 1] === 'params') {
    const component = String(valueAt(content, segments.slice(0, eventAt + 1).concat('type')));
    return {
      file,
      path: dotted,
      code: 'invalid-params',
      message: `${component}: ${message}`,
      ...(text
        ? { text: { key: 'rules.params', params: { component, problem: { clauses: [text] } } } }
        : {}),
    };
  }
  if (eventAt >= 0 && segments[eventAt + 1] === 'type' && issue.code === 'invalid_union')
    return { file, path: dotted, code: 'unknown-component', message, ...worded };
  if (segments.includes('conditions')) {
    const code = segments.at(-1) === 'operator' ? 'unknown-operator' : 'invalid-condition';
    return { file, path: dotted, code, message, ...worded };
  }
  return { file, path: dotted, code: 'schema', message, ...worded };
}

function valueAt(content: unknown, path: readonly string[]): unknown {
  let current = content;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
