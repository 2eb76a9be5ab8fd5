/** Parsing untrusted request parts with zod into values, or one invalid-input error naming every bad field. */
import type { Request, Response } from 'express';
import type { z } from 'zod';
import { AppError, toFieldIssues } from '../errors';
import type { Actor } from '../quotes/policy';

export type RequestPart = 'query' | 'params' | 'body' | 'header';

/**
 * Body issues are named by their path inside the body (`usagePerLine.dataGB`), like the pricing
 * core names them; other parts are prefixed (`query.limit`, `params.number`).
 */
export function parsePart<S extends z.ZodType>(
  schema: S,
  value: unknown,
  part: RequestPart,
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = toFieldIssues(result.error).map((issue) =>
    part === 'body'
      ? issue
      : { ...issue, path: issue.path === '(request)' ? part : `${part}.${issue.path}` },
  );
  throw AppError.invalidInput(
    issues,
    `invalid ${part === 'header' ? 'header' : part}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}`,
  );
}

/** The JSON body; a body that was not sent as JSON is named as such rather than reported field by field. */
export function jsonBody(req: Request): unknown {
  if (req.body === undefined) {
    throw AppError.invalidInput(
      [{ path: '(request)', message: 'send a JSON body with Content-Type: application/json' }],
      'the request has no JSON body',
    );
  }
  return req.body;
}

/** The authenticated user, set by the auth middleware. */
export function actorOf(res: Response): Actor {
  const actor = res.locals.actor as Actor | undefined;
  if (!actor) throw new AppError('unauthenticated', 'not authenticated');
  return actor;
}
