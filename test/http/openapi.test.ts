/** The OpenAPI document and the docs page describe the API that is actually served. */
import { startTestService, type TestService } from './support';

let service: TestService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

interface OpenApiOperation {
  operationId: string;
  description: string;
  security?: unknown[];
  'x-roles': string[];
  parameters?: { name: string; in: string }[];
  requestBody?: { content: { 'application/json': { schema: { $ref?: string } } } };
  responses: Record<string, { content?: { 'application/json': { schema: { $ref: string } } } }>;
}

describe('GET /api/openapi.json', () => {
  let document: {
    openapi: string;
    paths: Record<string, Record<string, OpenApiOperation>>;
    components: { schemas: Record<string, Record<string, unknown>> };
  };
  beforeAll(async () => {
    document = (await service.call('GET', '/api/openapi.json')).body;
  });

  it('is an OpenAPI 3.1 document whose every $ref resolves', () => {
    expect(document.openapi).toBe('3.1.0');
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(20);
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)"/.exec(ref)?.[1];
      expect({ ref, resolves: name !== undefined && name in document.components.schemas }).toEqual({
        ref,
        resolves: true,
      });
    }
  });

  it('documents every operation that is served: protected ones answer 401 without a token, not 404', async () => {
    const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
    );
    expect(operations).toHaveLength(35);
    for (const { path, method, operation } of operations) {
      const concrete = path
        .replace('{number}', 'Q-2026-000001')
        .replace('{hash}', service.ruleSet.hash)
        .replace('{id}', '00000000-0000-4000-8000-000000000000');
      const response = await service.call(method.toUpperCase(), concrete);
      const isPublic = Array.isArray(operation.security) && operation.security.length === 0;
      expect({ path, method, status: response.status }).toEqual({
        path,
        method,
        status: isPublic ? 200 : 401,
      });
    }
  });

  it('lists the roles that may call each protected operation', () => {
    for (const methods of Object.values(document.paths)) {
      for (const operation of Object.values(methods)) {
        if (operation.security?.length === 0) {
          expect(operation['x-roles']).toEqual([]);
          expect(operation.description).toBe('Public.');
        } else {
          expect(operation['x-roles'].length).toBeGreaterThan(0);
          expect(operation.description).toMatch(/^Roles: /);
          for (const role of operation['x-roles']) expect(operation.description).toContain(role);
        }
      }
    }
    expect(document.paths['/api/quotes/{number}/approve']!.post!['x-roles']).toEqual([
      'pricing-manager',
      'finance-director',
    ]);
    expect(document.paths['/api/audit']!.get!['x-roles']).toEqual([
      'finance-director',
      'finance-auditor',
      'admin',
    ]);
    expect(document.paths['/api/quotes']!.post!['x-roles']).toEqual(['account-manager', 'admin']);
    expect(document.paths['/api/quotes/{number}/deal-sheet.pdf']!.get!['x-roles']).toEqual([
      'pricing-manager',
      'finance-director',
      'finance-auditor',
      'admin',
    ]);
  });

  it('describes the proposal and deal sheet as PDFs in a language chosen by query.lang', () => {
    for (const path of [
      '/api/quotes/{number}/proposal.pdf',
      '/api/quotes/{number}/deal-sheet.pdf',
    ]) {
      const operation = document.paths[path]!.get! as unknown as {
        parameters: { name: string; in: string; required: boolean; schema: { enum?: string[] } }[];
        responses: Record<string, { content?: Record<string, unknown> }>;
      };
      expect(Object.keys(operation.responses['200']!.content!)).toEqual(['application/pdf']);
      expect(operation.parameters.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
        'path:number',
        'query:lang',
      ]);
      const lang = operation.parameters.find((parameter) => parameter.name === 'lang')!;
      expect(lang.required).toBe(false);
      expect(lang.schema.enum).toEqual(['zh-CN', 'en']);
      expect(Object.keys(operation.responses)).toEqual(
        expect.arrayContaining(['200', '400', '401', '403', '404', '503']),
      );
    }
  });

  it('describes the quote request from the rule set, with its terms and handset models', () => {
    const request = document.components.schemas.QuoteRequest as {
      properties: Record<
        string,
        { enum?: unknown[]; items?: { properties: { model: { enum: string[] } } } }
      >;
      required: string[];
    };
    expect(request.properties.termMonths!.enum).toEqual([12, 24, 36]);
    expect(request.properties.handsets!.items!.properties.model.enum).toEqual([
      'HX-5G-PRO',
      'HX-5G-LITE',
    ]);
    expect(request.required).toEqual(
      expect.arrayContaining(['enterprise', 'lines', 'usagePerLine', 'termMonths']),
    );
    const create = document.paths['/api/quotes']!.post!;
    expect(create.requestBody!.content['application/json'].schema.$ref).toBe(
      '#/components/schemas/QuoteRequest',
    );
    expect(create.parameters!.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
      'header:Idempotency-Key',
    ]);
    expect(create.responses['201']!.content!['application/json'].schema.$ref).toBe(
      '#/components/schemas/Quote',
    );
    const list = document.paths['/api/quotes']!.get!;
    expect(list.parameters!.map((parameter) => parameter.name)).toEqual([
      'enterpriseId',
      'state',
      'accountManagerId',
      'approvalLevel',
      'createdFrom',
      'createdTo',
      'limit',
      'offset',
    ]);
  });
});

describe('the finance report operations', () => {
  let document: {
    paths: Record<string, Record<string, OpenApiOperation>>;
    components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
  };
  beforeAll(async () => {
    document = (await service.call('GET', '/api/openapi.json')).body;
  });
  const answer = (path: string) =>
    document.paths[path]!.get!.responses['200']!.content as Record<
      string,
      { schema: { $ref?: string; contentMediaType?: string } }
    >;

  it('name the margin report and the user list as schemas', () => {
    const report = answer('/api/reports/margin');
    expect(report['application/json']!.schema.$ref).toBe('#/components/schemas/MarginReport');
    expect(Object.keys(report)).toEqual([
      'application/json',
      'text/csv',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    ]);
    expect(Object.keys(document.components.schemas.MarginReport!.properties!)).toEqual(
      expect.arrayContaining(['groupBy', 'rows', 'total', 'pareto']),
    );
    expect(answer('/api/users')['application/json']!.schema.$ref).toBe(
      '#/components/schemas/UserList',
    );
    expect(Object.keys(document.components.schemas.UserList!.properties!)).toEqual(['items']);
  });

  it('describe the chart as SVG and the monthly report as a PDF', () => {
    expect(answer('/api/reports/margin.svg')['image/svg+xml']!.schema.contentMediaType).toBe(
      'image/svg+xml',
    );
    expect(Object.keys(answer('/api/reports/margin.pdf'))).toEqual(['application/pdf']);
  });
});

describe('GET /api/docs', () => {
  it('is one self-contained HTML page listing every operation', async () => {
    const page = await service.call('GET', '/api/docs');
    expect(page.headers.get('content-type')).toContain('text/html');
    const document = (await service.call('GET', '/api/openapi.json')).body as {
      paths: Record<string, object>;
    };
    for (const path of Object.keys(document.paths))
      expect(page.text).toContain(`<code>${path}</code>`);
    expect(page.text).not.toMatch(/<script|<link|src=|https?:\/\//);
  });
});
