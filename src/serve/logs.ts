/** Where the service's JSON log lines go: standard output. */
import { pino, type Logger } from 'pino';

export type LogDestination = ReturnType<typeof pino.destination>;

/**
 * A service process logs a line per request, so its lines are buffered: one write per few kB
 * instead of one per request. Quotes are made durable by the store, not by the log; the buffer is
 * flushed on shutdown. Several processes share one standard output, so each write is whole lines
 * of at most 4 kB: a pipe writes that much atomically (PIPE_BUF), and lines from two processes
 * never interleave mid-line.
 *
 * The supervisor logs rarely and about things an operator wants to see at once (a worker died),
 * so it writes each line as it comes.
 */
export function serviceLogger(
  level: string,
  role: 'service' | 'supervisor',
): { logger: Logger; destination: LogDestination } {
  const destination =
    role === 'service'
      ? pino.destination({ minLength: 2048, maxWrite: 4096, sync: false })
      : pino.destination({ sync: true });
  return { logger: pino({ level }, destination), destination };
}
