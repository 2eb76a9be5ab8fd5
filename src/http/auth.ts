/** Bearer-token authentication: the token's hash finds the user; the user's role decides the rest (policy.ts). */
import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import { hashToken } from '../store/tokens';
import type { Store } from '../store/types';

const BEARER = /^Bearer +([\x21-\x7e]{1,512}) *$/i;

export function authenticate(store: Store): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    const token = header ? BEARER.exec(header)?.[1] : undefined;
    if (!token) throw new AppError('unauthenticated', 'send Authorization: Bearer <token>');
    const user = await store.findUserByTokenHash(hashToken(token));
    if (!user) throw new AppError('unauthenticated', 'unknown token');
    res.locals.actor = user;
    next();
  };
}
