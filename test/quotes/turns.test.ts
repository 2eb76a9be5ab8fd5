import { createServer, connect, type Socket } from 'node:net';
import { EventLoopTurns } from '../../src/quotes/turns';

/** Keeps the CPU busy for `ms`, as pricing a request does, without giving way to the event loop. */
function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

/** A connected loopback socket pair: what one side writes becomes I/O ready on the other. */
async function socketPair(): Promise<{ client: Socket; server: Socket; close(): void }> {
  const listener = createServer();
  await new Promise<void>((listening) => listener.listen(0, '127.0.0.1', listening));
  const { port } = listener.address() as { port: number };
  const accepted = new Promise<Socket>((resolve) => listener.once('connection', resolve));
  const client = connect(port, '127.0.0.1');
  await new Promise<void>((connected) => client.once('connect', connected));
  const server = await accepted;
  return {
    client,
    server,
    close() {
      client.destroy();
      server.destroy();
      listener.close();
    },
  };
}

describe('taking turns with the event loop', () => {
  it('runs waiting work first come first served, one piece per turn', async () => {
    const turns = new EventLoopTurns();
    const ran: number[] = [];
    await Promise.all(
      [0, 1, 2, 3, 4].map(async (index) => {
        await turns.next();
        ran.push(index);
      }),
    );
    expect(ran).toEqual([0, 1, 2, 3, 4]);
  });

  it('handles a reply that arrives during busy work before the next piece of work', async () => {
    const { client, server, close } = await socketPair();
    try {
      const turns = new EventLoopTurns();
      const events: string[] = [];
      server.on('data', () => events.push('reply'));
      const work = [0, 1, 2, 3].map(async (index) => {
        await turns.next();
        if (index === 0) client.write('x'); // the reply is on its way while piece 0 is busy
        busy(20);
        events.push(`work ${index}`);
      });
      await Promise.all(work);
      await new Promise((settled) => setTimeout(settled, 50));
      // Without turns all four pieces would run before the reply is read. With them it is read
      // on the next turn (on a loaded machine perhaps one later): before the last piece, at least.
      expect(events.filter((event) => event !== 'reply')).toEqual([
        'work 0',
        'work 1',
        'work 2',
        'work 3',
      ]);
      expect(events.indexOf('reply')).toBeGreaterThan(0);
      expect(events.indexOf('reply')).toBeLessThan(events.indexOf('work 3'));
    } finally {
      close();
    }
  });

  it('is ready for more once everything waiting has run', async () => {
    const turns = new EventLoopTurns();
    await turns.next();
    await turns.next();
    let ran = false;
    await Promise.all([turns.next().then(() => (ran = true)), turns.next()]);
    expect(ran).toBe(true);
  });
});
