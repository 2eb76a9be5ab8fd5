/**
 * Connections that node:cluster loses when a worker dies in the middle of taking one, closed at
 * once so that their clients see a reset instead of waiting for their own timeout.
 *
 * With round-robin scheduling (Node's default outside Windows) the supervisor accepts every
 * connection and sends it down the worker's IPC channel (an internal `NODE_CLUSTER` message,
 * `act: 'newconn'`, with the socket), keeping its own copy open until the worker answers
 * (`ack` = the message's `seq`) that it took it or that it is closing. A worker killed before it
 * answers never does, and Node has no other path that closes the supervisor's copy
 * (lib/internal/cluster/round_robin_handle.js, `handoff`): nobody reads the client's request,
 * nobody answers it, and the socket lingers in the supervisor until the client gives up. Under
 * load this is the rule rather than the exception: the message waits in the channel while the
 * worker is busy with the requests it has.
 *
 * So the supervisor notes each connection it sends a worker and forgets it when the worker
 * answers. When the worker's channel has closed — after its process ended and every answer it
 * wrote was read, so none is still on its way — whatever is still noted was never taken: its
 * copy here is the last, and closing it resets the client's connection (its request is unread).
 * Node sends a worker one connection at a time, so at most one is noted per worker; a connection
 * the worker was already serving ends with the worker's process, as any socket of a dead process.
 *
 * Other schedules are worse here: with `SCHED_NONE` the workers accept for themselves and
 * nothing is lost, but Linux gives nearly every connection of a burst to one worker (15 of 16
 * keep-alive connections, measured), which halves the throughput of a two-core machine.
 */
import type { Worker } from 'node:cluster';

/** The part of a connection's native handle this needs. */
interface ConnectionHandle {
  close(): void;
}

interface ClusterMessage {
  cmd?: unknown;
  act?: unknown;
  seq?: unknown;
  ack?: unknown;
}

function isClusterMessage(message: unknown): message is ClusterMessage {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as ClusterMessage).cmd === 'NODE_CLUSTER'
  );
}

function isHandle(handle: unknown): handle is ConnectionHandle {
  return (
    typeof handle === 'object' &&
    handle !== null &&
    typeof (handle as ConnectionHandle).close === 'function'
  );
}

/**
 * Watches the connections the supervisor hands `worker`; once the worker is gone, closes those it
 * never took and reports how many.
 */
export function closeConnectionsLostWith(worker: Worker, onLost: (count: number) => void): void {
  const channel = worker.process;
  const untaken = new Map<number, ConnectionHandle>();
  const send = channel.send.bind(channel) as (...args: unknown[]) => boolean;
  channel.send = ((message: unknown, handle?: unknown, ...rest: unknown[]) => {
    if (
      isClusterMessage(message) &&
      message.act === 'newconn' &&
      typeof message.seq === 'number' &&
      isHandle(handle)
    ) {
      untaken.set(message.seq, handle);
    }
    return send(message, handle, ...rest);
  }) as typeof channel.send;
  channel.on('internalMessage', (message: unknown) => {
    if (isClusterMessage(message) && typeof message.ack === 'number') untaken.delete(message.ack);
  });
  // 'close' comes once the process has exited and its channel has been read to the end.
  channel.once('close', () => {
    const lost = untaken.size;
    for (const handle of untaken.values()) handle.close();
    untaken.clear();
    if (lost > 0) onLost(lost);
  });
}
