/** /api/audit: the append-only log, for finance and admin; no route writes to it. */
import { auditVerificationIn } from '../../messages/messages';
import { speakTo } from '../errors';
import { ERRORS } from '../openapi';
import { defineRoute, type Route } from '../route';
import { auditQuery } from './validators';

export const auditRoutes: readonly Route[] = [
  defineRoute({
    method: 'get',
    path: '/audit',
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
    async handler({ query, actor, res, service }) {
      res.json(await service.audit(actor, query));
    },
  }),
  defineRoute({
    method: 'get',
    path: '/audit/verify',
    operationId: 'verifyAudit',
    summary:
      'Recompute the audit hash chain: reports rows changed, deleted or inserted behind the service (each problem in English, or zh-CN by Accept-Language)',
    policy: 'audit.read',
    responses: {
      200: { description: 'The verification', schema: 'AuditVerification' },
      401: ERRORS[401],
      403: ERRORS[403],
    },
    async handler({ actor, req, res, service }) {
      res.json(auditVerificationIn(await service.verifyAudit(actor), speakTo(req, res)));
    },
  }),
];
