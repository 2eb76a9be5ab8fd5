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

/** Every issue of a failed zod parse, each located by its dotted path. */
export function toFieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ path: issuePath(issue.path), message: issue.message }));
}
