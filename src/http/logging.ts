/** Structured request logs (pino) with a request id that the client may supply and always gets back. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pino, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';

export const REQUEST_ID_HEADER = 'X-Request-Id';
/** A caller's id is honoured only if it is short and plain, so it cannot forge log lines. */
const ACCEPTABLE_REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Quiet under jest unless LOG_LEVEL says otherwise; `info` in a running service. */
export function defaultLogger(): Logger {
  return pino({
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  });
}

function withUser(res: ServerResponse, line: Record<string, unknown>): Record<string, unknown> {
  const actor = (res as ServerResponse & { locals?: { actor?: { id: string; role: string } } })
    .locals?.actor;
  return actor ? { ...line, userId: actor.id, role: actor.role } : line;
}

export function requestLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const supplied = req.headers['x-request-id'];
      const id =
        typeof supplied === 'string' && ACCEPTABLE_REQUEST_ID.test(supplied)
          ? supplied
          : randomUUID();
      res.setHeader(REQUEST_ID_HEADER, id);
      return id;
    },
    customLogLevel(_req, res, error) {
      return error || res.statusCode >= 500 ? 'error' : 'info';
    },
    // Who made the request, added to the one completion line (a child logger per request costs more).
    customSuccessObject: (_req, res, line: Record<string, unknown>) => withUser(res, line),
    customErrorObject: (_req, res, _error, line: Record<string, unknown>) => withUser(res, line),
    // Only what identifies the request: never its headers, which carry the bearer token.
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: req.url,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}
