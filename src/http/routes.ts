/**
 * The route table: every operation of the API, once. Express mounts it (app.ts: the public ones
 * before authentication, the rest after) and the OpenAPI document and docs page list it in this
 * order. Each area keeps its part beside its validators.
 */
import { auditRoutes } from './audit/routes';
import { impactRoutes } from './impact/routes';
import { metaRoutes } from './meta/routes';
import { quoteRoutes } from './quotes/routes';
import { reportRoutes } from './reports/routes';
import type { Route } from './route';
import { ruleSetRoutes } from './rulesets/routes';

export const API_ROUTES: readonly Route[] = [
  ...metaRoutes,
  ...quoteRoutes,
  ...ruleSetRoutes,
  ...impactRoutes,
  ...auditRoutes,
  ...reportRoutes,
];

/** Served before authentication. */
export function isPublic(route: Route): boolean {
  return route.policy === 'public';
}
