/**
 * Failed authentication, throttled per client address. Only failures are counted: the throttle
 * sits behind authentication as an error handler, so a request whose token is good never reaches
 * it, and one address's bad tokens never hold up a good token sent from the same address (a shared
 * office NAT, say). What counts is a token that was looked up and is unknown — a guess, and a
 * round trip to the database; a request with no token or a malformed one costs nothing and can
 * never succeed, so it is simply 401. Past the limit, a guess is answered 429 with Retry-After.
 *
 * express-rate-limit does the counting: a window per address that resets on time, IPv6 addresses
 * grouped by /56 (one client usually holds a whole prefix), the IETF RateLimit headers and
 * Retry-After, and a store interface should the count ever need to be shared between machines.
 * The address is the connection's own (express's `trust proxy` is off): an X-Forwarded-For header
 * is the client's say-so and is ignored.
 *
 * Each service process counts on its own, so with WORKERS=N an address may fail up to N times the
 * limit in a window before every process refuses it.
 */
import type { ErrorRequestHandler, Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import { isAppError } from '../errors';
import { messageFor } from '../messages/messages';
import { speakTo, type ErrorBody } from './errors';

/** Unknown tokens an address may send per window and process before it is answered 429. */
export const FAILED_AUTHENTICATION_LIMIT = 30;
/** The window those failures are counted in; its end is what Retry-After names. */
export const FAILED_AUTHENTICATION_WINDOW_MS = 60_000;

/**
 * An error handler for authentication's failures: counts unknown tokens, and past the limit
 * answers 429. `logger` hears of a misconfiguration express-rate-limit finds (the console without).
 */
export function throttleFailedAuthentication(logger?: Logger): ErrorRequestHandler {
  const limiter = rateLimit({
    windowMs: FAILED_AUTHENTICATION_WINDOW_MS,
    limit: FAILED_AUTHENTICATION_LIMIT,
    // RateLimit-Policy and RateLimit on each counted failure, Retry-After on a refusal.
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // The check warns when a request carries X-Forwarded-For while `trust proxy` is off; ignoring
    // it is deliberate here (see above), and anyone may send one.
    validate: { xForwardedForHeader: false },
    ...(logger ? { logger } : {}),
    handler: refuse,
  });
  return (error, req, res, next) => {
    if (!isAppError(error) || error.details.unknownToken !== true) {
      next(error);
      return;
    }
    // The limiter calls back when the address is still within its limit: the 401 goes on.
    void limiter(req, res, (limiterError?: unknown) => next(limiterError ?? error));
  };
}

function refuse(req: Request, res: Response): void {
  const retryAfter = res.get('Retry-After');
  const locale = speakTo(req, res);
  res.status(429).json({
    error: {
      kind: 'rate-limited',
      message: messageFor('kinds.rate-limited', { seconds: retryAfter ?? '60' }, locale),
      ...(typeof req.id === 'string' ? { requestId: req.id } : {}),
    },
  } satisfies ErrorBody);
}
