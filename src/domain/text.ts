import { z } from 'zod';

/** The same text in Simplified Chinese and English: names of items, units, tiers, VAT classes. */
export const localizedText = z
  .strictObject({ 'zh-CN': z.string().min(1), en: z.string().min(1) })
  .describe('the same text in Simplified Chinese and English');
export type LocalizedText = z.infer<typeof localizedText>;

/** A tier code as tariff.json declares it (§3): `strategic`, `key`, `standard`, … */
export const TIER_CODE_PATTERN = /^[a-z][a-z0-9-]*$/;
export const tierCode = z.string().regex(TIER_CODE_PATTERN);

/** An instant as the service stores and answers it: ISO 8601 in UTC. */
export const isoInstant = z.iso.datetime().describe('ISO 8601 UTC date-time');
