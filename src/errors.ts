/**
 * The one application error type. Every expected failure is an AppError with a kind from a small
 * fixed set; the HTTP layer maps kinds to statuses in one place and the CLI maps them to exit codes.
 */
import type { z } from 'zod';

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

/** One problem with one field: `path` locates it (`usagePerLine.dataGB`, `handsets.0.model`). */
export interface FieldIssue {
  path: string;
  message: string;
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

/** Every issue of a failed zod parse, each located by its dotted path. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return resolveUnions(error.issues).map(({ issue, path }) => ({
    path: issuePath(path),
    message: issue.message,
  }));
}
