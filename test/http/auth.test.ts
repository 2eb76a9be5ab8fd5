/**
 * Authentication remembers a token's user for a few seconds instead of asking the store on every
 * request, and never remembers a token it did not know. Counted against a real SQLite store.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { USER_CACHE_TTL_MS, authenticate } from '../../src/http/auth';
import { errorHandler } from '../../src/http/errors';
import { generateToken, hashToken, openStore, type Store } from '../../src/store';

describe('bearer authentication', () => {
  let store: Store;
  let lookups: number;
  let now: number;
  let url: string;
  let close: () => void;

  beforeEach(async () => {
    store = await openStore({ sqlitePath: ':memory:' });
    lookups = 0;
    const lookUp = (tokenHash: string) => {
      lookups += 1;
      return store.findUserByTokenHash(tokenHash);
    };
    now = 1_000_000;
    const app = express();
    app.use(authenticate(lookUp, () => now));
    app.get('/whoami', (_req, res) => {
      res.json(res.locals.actor);
    });
    app.use(errorHandler);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((ready) => server.once('listening', ready));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterEach(async () => {
    close();
    await store.close();
  });

  async function addUser(id: string): Promise<string> {
    const token = generateToken();
    await store.createUser({
      id,
      name: id,
      role: 'account-manager',
      tokenHash: hashToken(token),
      createdAt: new Date(now).toISOString(),
    });
    return token;
  }

  const whoami = (token: string) =>
    fetch(`${url}/whoami`, { headers: { authorization: `Bearer ${token}` } });

  test('a known token is looked up once per TTL', async () => {
    const token = await addUser('am-cached');
    for (let request = 0; request < 5; request += 1) {
      const response = await whoami(token);
      expect(response.status).toBe(200);
      expect((await response.json()).id).toBe('am-cached');
    }
    expect(lookups).toBe(1);

    now += USER_CACHE_TTL_MS - 1;
    expect((await whoami(token)).status).toBe(200);
    expect(lookups).toBe(1);

    now += 1;
    expect((await whoami(token)).status).toBe(200);
    expect(lookups).toBe(2);
  });

  test('an unknown token is asked about every time, so a new user works at once', async () => {
    const token = generateToken();
    expect((await whoami(token)).status).toBe(401);
    expect((await whoami(token)).status).toBe(401);
    expect(lookups).toBe(2);

    await store.createUser({
      id: 'am-late',
      name: 'Late',
      role: 'account-manager',
      tokenHash: hashToken(token),
      createdAt: new Date(now).toISOString(),
    });
    const response = await whoami(token);
    expect(response.status).toBe(200);
    expect((await response.json()).id).toBe('am-late');
  });

  test('users are told apart by their own token', async () => {
    const first = await addUser('am-first');
    const second = await addUser('am-second');
    expect((await (await whoami(first)).json()).id).toBe('am-first');
    expect((await (await whoami(second)).json()).id).toBe('am-second');
    expect((await (await whoami(first)).json()).id).toBe('am-first');
    expect(lookups).toBe(2);
  });
});
