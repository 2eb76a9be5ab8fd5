/**
 * The OpenAPI 3.1 document, generated from the route table (src/http/routes.ts): each route's
 * zod schemas give its parameters and body, its policy row gives the roles that may call it, and
 * its responses name the components below. What documenting an operation takes is declared here
 * (OperationDescription); a Route extends it, so a route cannot exist undocumented.
 */
import { z } from 'zod';
import { ACCESS, rolesAllowed, type Operation } from '../quotes/policy';
import { impactResultSchema, impactRunSchema } from '../impact/runs';
import type { RuleSet } from '../rules/compile';
import {
  approvalSchema,
  auditPageSchema,
  auditVerificationSchema,
  customerQuoteSchema,
  errorSchema,
  healthSchema,
  marginReportSchema,
  previewSchema,
  pricedQuoteSchema,
  quotePageSchema,
  quoteViewSchema,
  refusedQuoteSchema,
  replaySchema,
  publicationListSchema,
  publicationSchema,
  pushedRuleSetSchema,
  ruleSetDiffSchema,
  ruleSetListSchema,
  ruleSetSchema,
  storedRuleSetSchema,
  userListSchema,
} from './schemas';

type JsonSchema = Record<string, unknown>;

/** Where the API is served; the document's paths, and the express mount point, start with it. */
export const API_PREFIX = '/api';

const COMPONENTS = {
  Quote: quoteViewSchema,
  QuotePage: quotePageSchema,
  Preview: previewSchema,
  PricedQuote: pricedQuoteSchema,
  CustomerQuote: customerQuoteSchema,
  RefusedQuote: refusedQuoteSchema,
  Approval: approvalSchema,
  Replay: replaySchema,
  RuleSet: ruleSetSchema,
  RuleSetVersion: storedRuleSetSchema,
  RuleSetList: ruleSetListSchema,
  PushedRuleSet: pushedRuleSetSchema,
  RuleSetDiff: ruleSetDiffSchema,
  Publication: publicationSchema,
  PublicationList: publicationListSchema,
  ImpactRun: impactRunSchema,
  ImpactResult: impactResultSchema,
  AuditPage: auditPageSchema,
  AuditVerification: auditVerificationSchema,
  Health: healthSchema,
  MarginReport: marginReportSchema,
  UserList: userListSchema,
  Error: errorSchema,
} satisfies Record<string, z.ZodType>;
export type ComponentName = keyof typeof COMPONENTS;

/**
 * One response of an operation: JSON of a component schema, files of the media types listed (a
 * PDF, a CSV download, an SVG), both when a query chooses the format, or (neither) as described.
 */
export interface ResponseDoc {
  description: string;
  schema?: ComponentName;
  files?: readonly string[];
}

/** Responses by status; every operation documents the success it answers with. */
export type ResponseDocs = Readonly<Record<number, ResponseDoc>> &
  ({ readonly 200: ResponseDoc } | { readonly 201: ResponseDoc });

/** The error responses most operations share. */
export const ERRORS = {
  400: { description: 'Invalid input: every bad field with its path', schema: 'Error' },
  401: { description: 'No valid bearer token', schema: 'Error' },
  403: { description: 'The role may not do this', schema: 'Error' },
} as const satisfies Record<number, ResponseDoc>;

/** What authentication answers, in front of every operation that is not public (throttle.ts). */
const THROTTLED: ResponseDoc = {
  description: 'Too many failed authentications from this address; see Retry-After',
  schema: 'Error',
};

/**
 * The body of preview and create: JSON that the service checks against the rule set in force.
 * Its schema is built per rule set, so it is documented as the QuoteRequest component and the
 * route hands it on unparsed (but refuses a request without a JSON body).
 */
export const QUOTE_REQUEST_BODY = { component: 'QuoteRequest' } as const;
export type QuoteRequestBody = typeof QUOTE_REQUEST_BODY;

export function isQuoteRequestBody(body: z.ZodType | QuoteRequestBody): body is QuoteRequestBody {
  return body === QUOTE_REQUEST_BODY;
}

/** A role-policy row guards a route, or it is public: served before authentication. */
export type Policy = Operation | 'public';

/** Everything the document says about one operation. */
export interface OperationDescription {
  method: 'get' | 'post';
  /** An OpenAPI path template under API_PREFIX: `/quotes/{number}`. */
  path: string;
  operationId: string;
  summary: string;
  policy: Policy;
  /** One property per `{name}` in the path. */
  params?: z.ZodObject;
  query?: z.ZodType;
  /** Request headers by name, each read with `req.get(name)`. */
  headers?: z.ZodObject;
  body?: z.ZodType | QuoteRequestBody;
  responses: ResponseDocs;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: Record<string, unknown>;
  security: Record<string, string[]>[];
}

/** The document of `operations` (the route table), in their order, for the rule set in force. */
export function buildOpenApiDocument(
  operations: readonly OperationDescription[],
  ruleSet: RuleSet,
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const operation of operations) {
    (paths[API_PREFIX + operation.path] ??= {})[operation.method] = describeOperation(operation);
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
      schemas: {
        ...componentSchemas(),
        [QUOTE_REQUEST_BODY.component]: quoteRequestSchema(ruleSet),
      },
    },
    security: [{ bearer: [] }],
  };
}

function describeOperation(operation: OperationDescription): Record<string, unknown> {
  const policy = operation.policy === 'public' ? undefined : operation.policy;
  const roles = policy ? rolesAllowed(policy) : [];
  const scopes = policy ? ACCESS[policy] : {};
  const parameters: Record<string, unknown>[] = [];
  if (operation.params) parameters.push(...parametersOf(operation.params, 'path'));
  if (operation.query) parameters.push(...parametersOf(operation.query, 'query'));
  if (operation.headers) parameters.push(...parametersOf(operation.headers, 'header'));
  const described: Record<string, unknown> = {
    operationId: operation.operationId,
    summary: operation.summary,
    description: policy
      ? `Roles: ${roles.map((role) => (scopes[role] === 'own' ? `${role} (own quotes)` : role)).join(', ')}.`
      : 'Public.',
    'x-roles': roles,
    ...(policy ? {} : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    responses: Object.fromEntries(
      Object.entries({ ...operation.responses, ...(policy ? { 429: THROTTLED } : {}) }).map(
        ([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema || response.files
              ? {
                  content: {
                    ...(response.schema
                      ? {
                          'application/json': {
                            schema: { $ref: `#/components/schemas/${response.schema}` },
                          },
                        }
                      : {}),
                    ...Object.fromEntries(
                      (response.files ?? []).map((mediaType) => [
                        mediaType,
                        { schema: { type: 'string', contentMediaType: mediaType } },
                      ]),
                    ),
                  },
                }
              : {}),
          },
        ],
      ),
    ),
  };
  if (operation.body) {
    const body = operation.body;
    described.requestBody = isQuoteRequestBody(body)
      ? {
          required: true,
          content: {
            'application/json': {
              schema: { $ref: `#/components/schemas/${QUOTE_REQUEST_BODY.component}` },
            },
          },
        }
      : {
          // A body the schema accepts leaving out (a lifecycle action's comment) is optional.
          required: !body.safeParse(undefined).success,
          content: { 'application/json': { schema: inputSchema(body) } },
        };
  }
  return described;
}

function parametersOf(
  schema: z.ZodType,
  location: 'path' | 'query' | 'header',
): Record<string, unknown>[] {
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
