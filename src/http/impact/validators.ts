/** What the impact routes accept (issue 13). */
import { z } from 'zod';
import { worded } from '../../errors';
import { isCalendarDate } from '../../calendar';
import { DEFAULT_PROPOSAL_LANGUAGE, PROPOSAL_LANGUAGES } from '../../proposals/input';
import { LIVE } from '../../impact/service';
import { ruleSetParams } from '../rulesets/validators';

const HASH = /^[0-9a-f]{64}$/;
const DATE_MESSAGE = worded('must be a date YYYY-MM-DD', 'issues.date');

export const impactStartParams = ruleSetParams;

export const impactStartBody = z.strictObject({
  against: z
    .string()
    .refine((value) => value === LIVE || HASH.test(value), {
      message: worded(
        'must be live or a sha256 hash: 64 lower-case hex digits',
        'issues.liveOrRuleSetHash',
      ),
    })
    .default(LIVE)
    .describe('the rule set to compare with: live (the default) or a stored hash'),
  quoteDate: z.iso
    .date({ message: DATE_MESSAGE })
    .refine(isCalendarDate, { message: DATE_MESSAGE })
    .optional()
    .describe('the day (China) both sets price on; today by default'),
});

export const impactRunParams = z.object({
  id: z.uuid({ message: worded('must be the id of an impact analysis', 'issues.impactRun') }),
});

export const impactResultQuery = z.strictObject({
  format: z.enum(['json', 'csv']).default('json').describe('json (the default) or csv'),
  lang: z
    .enum(PROPOSAL_LANGUAGES)
    .default(DEFAULT_PROPOSAL_LANGUAGE)
    .describe(`CSV headers: ${PROPOSAL_LANGUAGES.join(' or ')}`),
});
