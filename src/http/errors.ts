/**
 * The one place where errors become HTTP responses. Everything that goes wrong is (or is turned
 * into) an AppError; its kind decides the status. A response never carries a stack trace.
 */
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { AppError, isAppError, type AppErrorKind, type FieldIssue } from '../errors';
import {
  errorMessage,
  issueMessage,
  localeFromAcceptLanguage,
  messageFor,
  type MessageLocale,
} from '../messages/messages';

export const STATUS_BY_KIND: Readonly<Record<AppErrorKind, number>> = {
  'invalid-input': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  'payload-too-large': 413,
  conflict: 409,
  ineligible: 422,
  // A rule set that does not load or price is a defect on the server side, never the client's.
  'rule-set': 500,
  // The request met a contradiction in the tariff: it cannot be priced as it stands, and the
  // answer names the rules, for whoever owns the tariff. Not a server fault to retry.
  'rule-conflict': 422,
  unavailable: 503,
};

/** Details safe and useful to show a client; anything else stays in the log. */
const PUBLIC_DETAILS = [
  'issues',
  'reasons',
  'state',
  'action',
  'allowedFrom',
  'allowedRoles',
  'approvalLevel',
  'quoteNumber',
  'supersededBy',
  'problems',
  'rules',
  'findings',
  'cases',
  'liveHash',
  'author',
] as const;

/** Errors raised by express's body parser carry a `type`; see body-parser's README. */
interface BodyParserError extends Error {
  type?: string;
  status?: number;
  limit?: number;
  /** zlib's code when a compressed body does not inflate: Z_DATA_ERROR, Z_BUF_ERROR, … */
  code?: string;
}

/** zlib's codes (Z_DATA_ERROR, …) and brotli's (ERR__ERROR_FORMAT_PADDING_1, …) for a corrupt stream. */
const DECOMPRESSION_FAILURE = /^(Z_|ERR__ERROR_)/;

/** The longest piece of a client's path quoted back in an error. */
const QUOTED_PATH_LIMIT = 100;

/** The AppError an error stands for, or undefined when it is an unexpected defect. */
export function asAppError(error: unknown, req?: Request): AppError | undefined {
  if (isAppError(error)) return error;
  if (!(error instanceof Error)) return undefined;
  const parserError = error as BodyParserError;
  // The router decodes each path parameter with decodeURIComponent and passes on its URIError
  // ("Failed to decode param '%'"), marked 400.
  if (error instanceof URIError && parserError.status === 400) {
    const message = `not valid percent-encoding: ${error.message.slice(0, QUOTED_PATH_LIMIT)} (write a literal % as %25)`;
    return AppError.invalidInput([{ path: 'params', message }], `invalid path: ${message}`);
  }
  // body-parser inflates a gzip, deflate or br body with zlib and passes on zlib's error, marked 400.
  if (parserError.status === 400 && DECOMPRESSION_FAILURE.test(parserError.code ?? '')) {
    const encoding = req?.get('content-encoding') ?? 'the Content-Encoding';
    const message = `not valid ${encoding} data: ${error.message}`;
    return AppError.invalidInput(
      [{ path: '(request)', message }],
      `the request body could not be decompressed: ${message}`,
    );
  }
  switch (parserError.type) {
    case 'entity.too.large':
      return new AppError(
        'payload-too-large',
        `the request body is larger than the limit of ${parserError.limit ?? '?'} bytes`,
      );
    case 'entity.parse.failed':
      return AppError.invalidInput(
        [{ path: '(request)', message: `not valid JSON: ${parserError.message}` }],
        'the request body is not valid JSON',
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'parameters.too.many':
      return AppError.invalidInput(
        [{ path: '(request)', message: parserError.message }],
        parserError.message,
      );
  }
  // Database outages arrive as AppError('unavailable') from the store; anything else is a defect.
  return undefined;
}

export interface ErrorBody {
  error: {
    /** An AppError's kind; `internal` for a defect; `rate-limited` from the throttle (throttle.ts). */
    kind: AppErrorKind | 'internal' | 'rate-limited';
    message: string;
    requestId?: string;
    [detail: string]: unknown;
  };
}

export const errorHandler: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) {
    next(error);
    return;
  }
  const requestId = requestIdOf(req);
  const locale = speakTo(req, res);
  const appError = asAppError(error, req);
  if (!appError) {
    req.log.error({ err: error }, 'unexpected error');
    res.status(500).json({
      error: { kind: 'internal', message: messageFor('kinds.internal', {}, locale), requestId },
    } satisfies ErrorBody);
    return;
  }
  const status = STATUS_BY_KIND[appError.kind];
  if (status >= 500) req.log.error({ err: appError }, appError.message);
  if (appError.kind === 'unauthenticated') res.set('WWW-Authenticate', 'Bearer');
  // A busy PDF renderer says when to come back (RFC 9110 §10.2.3).
  const retryAfter = appError.details.retryAfterSeconds;
  if (status === 503 && typeof retryAfter === 'number' && Number.isInteger(retryAfter))
    res.set('Retry-After', String(retryAfter));
  const details: Record<string, unknown> = {};
  for (const key of PUBLIC_DETAILS) {
    if (appError.details[key] !== undefined) details[key] = appError.details[key];
  }
  if (appError.details.issues) {
    details.issues = appError.details.issues.map((issue: FieldIssue) => ({
      path: issue.path,
      message: issueMessage(issue, locale),
    }));
  }
  res.status(status).json({
    error: { kind: appError.kind, message: errorMessage(appError, locale), ...details, requestId },
  } satisfies ErrorBody);
};

/**
 * The language an error answers in: the one the caller's Accept-Language prefers (English when it
 * names none we have), said in Content-Language; caches learn that the answer varies with it.
 */
export function speakTo(req: Request, res: Response): MessageLocale {
  const locale = localeFromAcceptLanguage(req.get('accept-language'));
  res.vary('Accept-Language');
  res.set('Content-Language', locale);
  return locale;
}

/** Anything under /api that no route matched. */
export const notFound: RequestHandler = (req) => {
  const route = `${req.method} ${req.originalUrl.split('?')[0]}`;
  throw new AppError('not-found', `no route ${route}`, {
    text: { key: 'messages.noRoute', params: { route } },
  });
};

function requestIdOf(req: Request): string | undefined {
  return typeof req.id === 'string' ? req.id : undefined;
}
