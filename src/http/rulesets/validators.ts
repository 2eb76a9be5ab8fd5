import { z } from 'zod';

/** A rule-set hash: sha256 of its canonical JSON, lower-case hex. */
export const ruleSetParams = z.object({
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { message: 'must be a sha256 hash: 64 lower-case hex digits' }),
});
