/**
 * The OpenAPI 3.1 document, assembled from the zod schemas the routes parse with and answer
 * with, and from the role policy (each operation lists the roles that may call it).
 */
import { z } from 'zod';
import { QUOTE_ACTIONS, TRANSITIONS } from '../quotes/lifecycle';
import { ACCESS, rolesAllowed, type Operation } from '../quotes/policy';
import type { RuleSet } from '../rules/compile';
import { auditQuery } from './audit/validators';
import {
  IDEMPOTENCY_KEY_HEADER,
  listQuotesQuery,
  printQuery,
  quoteParams,
  transitionBody,
} from './quotes/validators';
import { ruleSetParams } from './rulesets/validators';
import {
  approvalSchema,
  auditPageSchema,
  auditVerificationSchema,
  customerQuoteSchema,
  errorSchema,
  healthSchema,
  previewSchema,
  pricedQuoteSchema,
  quotePageSchema,
  quoteViewSchema,
  refusedQuoteSchema,
  replaySchema,
  ruleSetSchema,
} from './schemas';

type JsonSchema = Record<string, unknown>;

const COMPONENTS: Record<string, z.ZodType> = {
  Quote: quoteViewSchema,
  QuotePage: quotePageSchema,
  Preview: previewSchema,
  PricedQuote: pricedQuoteSchema,
  CustomerQuote: customerQuoteSchema,
  RefusedQuote: refusedQuoteSchema,
  Approval: approvalSchema,
  Replay: replaySchema,
  RuleSet: ruleSetSchema,
  AuditPage: auditPageSchema,
  AuditVerification: auditVerificationSchema,
  Health: healthSchema,
  Error: errorSchema,
};
type ComponentName = keyof typeof COMPONENTS;

interface OperationDoc {
  method: 'get' | 'post';
  /** OpenAPI path template: /api/quotes/{number}. */
  path: string;
  operationId: string;
  summary: string;
  /** The policy row that guards it; absent for public operations. */
  policy?: Operation;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: 'quote-request' | z.ZodType;
  idempotencyKey?: boolean;
  responses: Record<number, { description: string; schema?: ComponentName; pdf?: true }>;
}

const ERRORS = {
  400: { description: 'Invalid input: every bad field with its path', schema: 'Error' },
  401: { description: 'No valid bearer token', schema: 'Error' },
  403: { description: 'The role may not do this', schema: 'Error' },
  404: { description: 'No such quote, or another account manager’s quote', schema: 'Error' },
} as const;

const QUOTE_NOT_FOUND = ERRORS[404];

/** Every operation of the API, in the order the docs page lists them. */
export const OPERATION_DOCS: readonly OperationDoc[] = [
  {
    method: 'get',
    path: '/api/health',
    operationId: 'health',
    summary: 'Liveness, with a round trip to the store',
    responses: {
      200: { description: 'Up', schema: 'Health' },
      503: { description: 'Store unavailable', schema: 'Error' },
    },
  },
  {
    method: 'post',
    path: '/api/quotes/preview',
    operationId: 'previewQuote',
    summary: 'Price a request without storing it',
    policy: 'quote.preview',
    body: 'quote-request',
    responses: {
      200: { description: 'The priced quote', schema: 'Preview' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      413: { description: 'Body over 64 kB', schema: 'Error' },
      422: { description: 'Not eligible (§2), with the reasons', schema: 'Error' },
    },
  },
  {
    method: 'post',
    path: '/api/quotes',
    operationId: 'createQuote',
    summary: 'Price and store a draft quote (numbered Q-YYYY-NNNNNN, valid 30 days)',
    policy: 'quote.create',
    body: 'quote-request',
    idempotencyKey: true,
    responses: {
      201: { description: 'Stored', schema: 'Quote' },
      200: {
        description: 'A retry with the same Idempotency-Key: the first quote',
        schema: 'Quote',
      },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      409: { description: 'Idempotency-Key reused for a different request', schema: 'Error' },
      413: { description: 'Body over 64 kB', schema: 'Error' },
      422: { description: 'Not eligible (§2), with the reasons; nothing stored', schema: 'Error' },
    },
  },
  {
    method: 'get',
    path: '/api/quotes',
    operationId: 'listQuotes',
    summary: 'List quotes, newest first, filtered and paged (account managers: their own only)',
    policy: 'quote.list',
    query: listQuotesQuery,
    responses: {
      200: { description: 'A page', schema: 'QuotePage' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
    },
  },
  {
    method: 'get',
    path: '/api/quotes/{number}',
    operationId: 'getQuote',
    summary: 'One quote (an open quote past its validity is expired first)',
    policy: 'quote.read',
    params: quoteParams,
    responses: {
      200: { description: 'The quote', schema: 'Quote' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: QUOTE_NOT_FOUND,
    },
  },
  ...QUOTE_ACTIONS.map((action): OperationDoc => ({
    method: 'post',
    path: `/api/quotes/{number}/${action}`,
    operationId: `${action}Quote`,
    summary: TRANSITIONS[action].summary,
    policy: `quote.${action}`,
    params: quoteParams,
    body: transitionBody,
    responses: {
      200: { description: 'The quote in its new state', schema: 'Quote' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: QUOTE_NOT_FOUND,
      409: {
        description: `Not allowed from the quote’s state (from: ${TRANSITIONS[action].from.join(', ')}); names the state`,
        schema: 'Error',
      },
    },
  })),
  {
    method: 'get',
    path: '/api/quotes/{number}/replay',
    operationId: 'replayQuote',
    summary: 'Price the stored request again with the stored rule set and compare',
    policy: 'quote.replay',
    params: quoteParams,
    responses: {
      200: { description: 'The replay', schema: 'Replay' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: QUOTE_NOT_FOUND,
    },
  },
  {
    method: 'get',
    path: '/api/quotes/{number}/proposal.pdf',
    operationId: 'quoteProposalPdf',
    summary:
      'The customer’s proposal as a PDF (§9), without internal figures; marked DRAFT before issue',
    policy: 'quote.proposal',
    params: quoteParams,
    query: printQuery,
    responses: {
      200: { description: 'The proposal (Content-Disposition: inline)', pdf: true },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: QUOTE_NOT_FOUND,
      409: {
        description:
          'Not printed for a customer in the quote’s state (rejected or loss-making, declined, expired); names the state',
        schema: 'Error',
      },
      503: { description: 'The PDF renderer is busy or failed; see Retry-After', schema: 'Error' },
    },
  },
  {
    method: 'get',
    path: '/api/quotes/{number}/deal-sheet.pdf',
    operationId: 'quoteDealSheetPdf',
    summary:
      'The internal deal sheet as a PDF: costs, margin, approval, rule-set hash, explanations',
    policy: 'quote.deal-sheet',
    params: quoteParams,
    query: printQuery,
    responses: {
      200: { description: 'The deal sheet (Content-Disposition: inline)', pdf: true },
      400: ERRORS[400],
      401: ERRORS[401],
      403: { description: 'Account managers (for their own quotes)', schema: 'Error' },
      404: QUOTE_NOT_FOUND,
      503: { description: 'The PDF renderer is busy or failed; see Retry-After', schema: 'Error' },
    },
  },
  {
    method: 'get',
    path: '/api/rulesets/{hash}',
    operationId: 'getRuleSet',
    summary: 'The exact rule set (rules, prices, costs, tariff) a quote was priced with',
    policy: 'ruleset.read',
    params: ruleSetParams,
    responses: {
      200: { description: 'The rule set', schema: 'RuleSet' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
      404: { description: 'Unknown hash', schema: 'Error' },
    },
  },
  {
    method: 'get',
    path: '/api/audit',
    operationId: 'listAudit',
    summary: 'The append-only audit log, oldest first, each entry chained to the one before',
    policy: 'audit.read',
    query: auditQuery,
    responses: {
      200: { description: 'A page', schema: 'AuditPage' },
      400: ERRORS[400],
      401: ERRORS[401],
      403: ERRORS[403],
    },
  },
  {
    method: 'get',
    path: '/api/audit/verify',
    operationId: 'verifyAudit',
    summary:
      'Recompute the audit hash chain: reports rows changed, deleted or inserted behind the service',
    policy: 'audit.read',
    responses: {
      200: { description: 'The verification', schema: 'AuditVerification' },
      401: ERRORS[401],
      403: ERRORS[403],
    },
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'openApi',
    summary: 'This document',
    responses: { 200: { description: 'OpenAPI 3.1' } },
  },
  {
    method: 'get',
    path: '/api/docs',
    operationId: 'docs',
    summary: 'A readable page of the operations',
    responses: { 200: { description: 'HTML' } },
  },
];

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: Record<string, unknown>;
  security: Record<string, string[]>[];
}

export function buildOpenApiDocument(ruleSet: RuleSet): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const operation of OPERATION_DOCS) {
    (paths[operation.path] ??= {})[operation.method] = describeOperation(operation);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'groupquote API',
      version: ruleSet.tariff.version,
      description: [
        'Exact, auditable quotes for enterprise group mobile plans. Money is always a decimal string.',
        `Requests are priced with the rule set ${ruleSet.hash} (${ruleSet.tariff.name}).`,
        'Authenticate with `Authorization: Bearer <token>` (create users with `quote users add`).',
      ].join(' '),
    },
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { ...componentSchemas(), QuoteRequest: quoteRequestSchema(ruleSet) },
    },
    security: [{ bearer: [] }],
  };
}

function describeOperation(operation: OperationDoc): Record<string, unknown> {
  const roles = operation.policy ? rolesAllowed(operation.policy) : [];
  const scopes = operation.policy ? ACCESS[operation.policy] : {};
  const parameters: Record<string, unknown>[] = [];
  if (operation.params) parameters.push(...parametersOf(operation.params, 'path'));
  if (operation.query) parameters.push(...parametersOf(operation.query, 'query'));
  if (operation.idempotencyKey) {
    parameters.push({
      name: IDEMPOTENCY_KEY_HEADER,
      in: 'header',
      required: false,
      description:
        'A retry with the same key by the same user returns the first quote and stores nothing',
      schema: { type: 'string', minLength: 1, maxLength: 200 },
    });
  }
  const described: Record<string, unknown> = {
    operationId: operation.operationId,
    summary: operation.summary,
    description: operation.policy
      ? `Roles: ${roles.map((role) => (scopes[role] === 'own' ? `${role} (own quotes)` : role)).join(', ')}.`
      : 'Public.',
    'x-roles': roles,
    ...(operation.policy ? {} : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: Object.fromEntries(
      Object.entries(operation.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.schema
            ? {
                content: {
                  'application/json': {
                    schema: { $ref: `#/components/schemas/${response.schema}` },
                  },
                },
              }
            : {}),
          ...(response.pdf
            ? {
                content: {
                  'application/pdf': {
                    schema: { type: 'string', contentMediaType: 'application/pdf' },
                  },
                },
              }
            : {}),
        },
      ]),
    ),
  };
  if (operation.body) {
    described.requestBody = {
      required: operation.body === 'quote-request',
      content: {
        'application/json': {
          schema:
            operation.body === 'quote-request'
              ? { $ref: '#/components/schemas/QuoteRequest' }
              : inputSchema(operation.body),
        },
      },
    };
  }
  return described;
}

function parametersOf(schema: z.ZodType, location: 'path' | 'query'): Record<string, unknown>[] {
  const json = inputSchema(schema) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (json.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

function inputSchema(schema: z.ZodType): JsonSchema {
  return tidy(
    z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }),
  );
}

function componentSchemas(): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(COMPONENTS)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
    target: 'draft-2020-12',
  });
  return Object.fromEntries(Object.entries(schemas).map(([id, schema]) => [id, tidy(schema)]));
}

/**
 * The request schema is built per rule set; its contract terms and handset models are checked by
 * refinements, which JSON Schema cannot carry, so they are added here as enums from the tariff.
 */
function quoteRequestSchema(ruleSet: RuleSet): JsonSchema {
  const schema = inputSchema(ruleSet.requestSchema) as {
    properties: Record<string, JsonSchema & { items?: { properties: Record<string, JsonSchema> } }>;
  };
  const termMonths = schema.properties.termMonths;
  if (termMonths) {
    schema.properties.termMonths = { type: 'integer', enum: [...ruleSet.tariff.contractTerms] };
  }
  const model = schema.properties.handsets?.items?.properties.model;
  if (model) {
    model.enum = ruleSet.items
      .filter((item) => item.quantity.basis === 'handsets')
      .map((item) => item.code);
  }
  return schema;
}

/** Drops what OpenAPI does not need: per-schema $schema/$id, and regexes that merely restate a format. */
function tidy(schema: unknown): JsonSchema {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    const record = node as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
      if (key === '$schema' || key === '$id') continue;
      if (key === 'pattern' && (record.format === 'date' || record.format === 'date-time'))
        continue;
      out[key] = walk(value);
    }
    return out;
  };
  return walk(schema) as JsonSchema;
}
