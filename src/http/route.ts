/**
 * A route of the API: its documentation (an OperationDescription) and its handler in one typed
 * object. The route table (routes.ts) is a list of these; express mounts it and the OpenAPI
 * document is generated from it, so the two cannot drift apart.
 */
import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Actor } from '../quotes/policy';
import type { QuoteService } from '../quotes/service';
import type { ImpactService } from '../impact/service';
import type { ReportService } from '../reports/service';
import type { RuleSetService } from '../rulesets/service';
import {
  isQuoteRequestBody,
  type OpenApiDocument,
  type OperationDescription,
  type Policy,
  type QuoteRequestBody,
} from './openapi';
import { actorOf, jsonBody, parsePart, type RequestPart } from './parse';

/** What every handler may use besides its request: built once per app. */
export interface RouteContext {
  service: QuoteService;
  reports: ReportService;
  ruleSets: RuleSetService;
  /** Impact analyses of rule sets on the portfolio (issue 13). */
  impact: ImpactService;
  /** The document of this table and its HTML page, which the public meta routes serve. */
  documentation: { openApi: OpenApiDocument; page: string };
}

/** The parsed value of a part the route declares a schema for; undefined where it declares none. */
type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type BodyOf<B> = B extends z.ZodType
  ? z.output<B>
  : B extends QuoteRequestBody
    ? unknown
    : undefined;
type ActorOf<P extends Policy> = P extends 'public' ? undefined : Actor;

export interface RouteInput<
  P extends Policy,
  Params extends z.ZodObject | undefined,
  Query extends z.ZodType | undefined,
  Headers extends z.ZodObject | undefined,
  Body extends z.ZodType | QuoteRequestBody | undefined,
> extends RouteContext {
  params: Parsed<Params>;
  query: Parsed<Query>;
  headers: Parsed<Headers>;
  body: BodyOf<Body>;
  /** The authenticated user; a public route has none. */
  actor: ActorOf<P>;
  req: Request;
  res: Response;
}

export interface RouteDefinition<
  Path extends string,
  P extends Policy,
  Params extends z.ZodObject | undefined,
  Query extends z.ZodType | undefined,
  Headers extends z.ZodObject | undefined,
  Body extends z.ZodType | QuoteRequestBody | undefined,
> extends OperationDescription {
  path: Path;
  policy: P;
  params?: Params;
  query?: Query;
  headers?: Headers;
  body?: Body;
  /** Thin: one service call with the parsed input, then the response shaped. */
  handler(input: RouteInput<P, Params, Query, Headers, Body>): Promise<void> | void;
}

/** A route of the table, its handler behind `serve`, which parses the request first. */
export interface Route extends OperationDescription {
  serve(req: Request, res: Response, context: RouteContext): Promise<void>;
}

/** The `{name}`s of an OpenAPI path template. */
type PathParamNames<Path extends string> = Path extends `${string}{${infer Name}}${infer Rest}`
  ? Name | PathParamNames<Rest>
  : never;

/** A compile error on `params` unless its schema has exactly the path's `{name}`s. */
type ParamsMatchPath<Path extends string, Params> = [PathParamNames<Path>] extends [never]
  ? { params?: undefined }
  : Params extends z.ZodObject
    ? [
        | Exclude<PathParamNames<Path>, keyof z.output<Params>>
        | Exclude<keyof z.output<Params>, PathParamNames<Path>>,
      ] extends [never]
      ? unknown
      : { params: `a schema for exactly the path parameters of ${Path}` }
    : { 'declare params': `a schema for the path parameters of ${Path}` };

/**
 * One route: the handler receives the params, query, headers and body parsed with the route's
 * own schemas (and so typed by them), parsed in that order, each failure a 400 naming the part.
 */
export function defineRoute<
  const Path extends string,
  P extends Policy,
  Params extends z.ZodObject | undefined = undefined,
  Query extends z.ZodType | undefined = undefined,
  Headers extends z.ZodObject | undefined = undefined,
  Body extends z.ZodType | QuoteRequestBody | undefined = undefined,
>(
  definition: RouteDefinition<Path, P, Params, Query, Headers, Body> &
    ParamsMatchPath<Path, Params>,
): Route {
  const { handler, ...description } = definition;
  return {
    ...description,
    async serve(req, res, context) {
      const params = parsed<Params>(description.params, () => req.params, 'params');
      const query = parsed<Query>(description.query, () => req.query, 'query');
      const headers = parsed<Headers>(
        description.headers,
        (names) => headerValues(names, req),
        'header',
      );
      const body = bodyOf<Body>(description.body, req);
      const actor = actorFor(description.policy, res);
      await handler({ params, query, headers, body, actor, req, res, ...context });
    },
  };
}

/** An express path for an OpenAPI path template: `/quotes/{number}` → `/quotes/:number`. */
export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

/** A router serving `routes` with `context`, in their order. */
export function routerOf(routes: readonly Route[], context: RouteContext): Router {
  const router = Router();
  for (const route of routes) {
    router[route.method](expressPath(route.path), (req, res) => route.serve(req, res, context));
  }
  return router;
}

/*
 * The casts below are the one place where a part's runtime presence meets its conditional type:
 * TypeScript cannot narrow a generic Parsed<S> by testing `schema`, so each helper says it.
 */

function parsed<S extends z.ZodType | undefined>(
  schema: S | undefined,
  read: (schema: NonNullable<S>) => unknown,
  part: RequestPart,
): Parsed<S> {
  return (schema ? parsePart(schema, read(schema), part) : undefined) as Parsed<S>;
}

/** Only the headers the schema names, so the error names `header.Idempotency-Key`, never others. */
function headerValues(schema: z.ZodObject, req: Request): Record<string, string | undefined> {
  return Object.fromEntries(Object.keys(schema.shape).map((name) => [name, req.get(name)]));
}

function bodyOf<B extends z.ZodType | QuoteRequestBody | undefined>(
  body: B | undefined,
  req: Request,
): BodyOf<B> {
  if (body === undefined) return undefined as BodyOf<B>;
  if (isQuoteRequestBody(body)) return jsonBody(req) as BodyOf<B>;
  return parsePart(body, req.body, 'body') as BodyOf<B>;
}

function actorFor<P extends Policy>(policy: P, res: Response): ActorOf<P> {
  return (policy === 'public' ? undefined : actorOf(res)) as ActorOf<P>;
}
