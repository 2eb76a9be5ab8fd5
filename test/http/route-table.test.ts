/**
 * The route table is the one source of the API: what express serves and what the OpenAPI
 * document lists are the same operations, and every route carries the documentation its kind
 * of route needs. No database: the app is built around a stub service.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import { API_PREFIX, buildOpenApiDocument } from '../../src/http/openapi';
import { expressPath } from '../../src/http/route';
import { API_ROUTES } from '../../src/http/routes';
import type { QuoteService } from '../../src/quotes/service';
import type { ReportService } from '../../src/reports/service';
import type { RuleSetService } from '../../src/rulesets/service';
import type { ImpactService } from '../../src/impact/service';
import { fixtureRuleSet } from '../support/rule-set-copy';

const ruleSet = fixtureRuleSet();

function appWithStubService(): Express {
  const service = {
    ruleSet,
    health: async () => ({ status: 'ok', store: 'sqlite', ruleSetHash: ruleSet.hash }),
  } as unknown as QuoteService;
  const reports = {} as ReportService;
  const ruleSets = {} as RuleSetService;
  const impact = {} as ImpactService;
  return createApp({
    service,
    reports,
    ruleSets,
    impact,
    findUserByTokenHash: async () => undefined,
  });
}

/** The shape of express 5's router internals (the `router` package) that the walk below reads. */
interface Layer {
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
  handle: { stack?: Layer[] };
}

/** `METHOD /path` of every route express has mounted, through nested routers. */
function mountedRoutes(app: Express): string[] {
  const walk = (stack: Layer[], prefix: string): string[] =>
    stack.flatMap((layer) => {
      if (layer.route) {
        return Object.keys(layer.route.methods).map(
          (method) => `${method.toUpperCase()} ${prefix}${layer.route!.path}`,
        );
      }
      if (!layer.handle.stack) return [];
      const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
      return walk(layer.handle.stack, prefix + mount);
    });
  return walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
}

describe('the route table', () => {
  it('is what express mounts and what the OpenAPI document lists, operation for operation', () => {
    const document = buildOpenApiDocument(API_ROUTES, ruleSet);
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${expressPath(path)}`),
    );
    const mounted = mountedRoutes(appWithStubService());
    expect(mounted).toHaveLength(API_ROUTES.length);
    expect([...mounted].sort()).toEqual([...documented].sort());
  });

  it('writes each path once, as an OpenAPI template, and derives the express path from it', () => {
    expect(expressPath('/quotes/{number}/deal-sheet.pdf')).toBe('/quotes/:number/deal-sheet.pdf');
    expect(expressPath('/rulesets/{hash}')).toBe('/rulesets/:hash');
    for (const route of API_ROUTES) {
      expect(route.path).toMatch(/^\/[a-z]/);
      expect(route.path.startsWith(API_PREFIX)).toBe(false);
    }
  });

  it('has one route per method and path, and unique operation ids', () => {
    const keys = API_ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    const ids = API_ROUTES.map((route) => route.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('declares a params schema with exactly the parameters of its path', () => {
    for (const route of API_ROUTES) {
      const inPath = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]);
      const inSchema = route.params ? Object.keys(route.params.shape) : [];
      expect({ path: route.path, params: inSchema }).toEqual({ path: route.path, params: inPath });
    }
  });

  it('is public only for health, the OpenAPI document and the docs page', () => {
    expect(
      API_ROUTES.filter((route) => route.policy === 'public').map((route) => route.operationId),
    ).toEqual(['health', 'openApi', 'docs']);
  });

  it('documents the success, and the failures its kind of route can answer with', () => {
    for (const route of API_ROUTES) {
      const statuses = Object.keys(route.responses);
      const expected = [
        ...(route.policy === 'public' ? [] : ['401', '403']),
        ...(route.params || route.query || route.headers || route.body ? ['400'] : []),
      ];
      expect({ operationId: route.operationId, statuses }).toEqual({
        operationId: route.operationId,
        statuses: expect.arrayContaining(expected),
      });
      expect(statuses.some((status) => status.startsWith('2'))).toBe(true);
    }
  });
});

describe('the middleware order', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = appWithStubService().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('serves the public routes before authentication', async () => {
    for (const path of ['/api/health', '/api/openapi.json', '/api/docs']) {
      expect({ path, status: (await fetch(base + path)).status }).toEqual({ path, status: 200 });
    }
  });

  it('authenticates before parsing a body, and answers an unknown route after authentication', async () => {
    const malformed = await fetch(`${base}/api/quotes`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{not json',
    });
    expect(malformed.status).toBe(401);
    expect((await fetch(`${base}/api/nowhere`)).status).toBe(401);
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
  });
});
