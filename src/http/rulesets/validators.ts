import { z } from 'zod';
import { worded } from '../../errors';

const ruleSetHash = z.string().regex(/^[0-9a-f]{64}$/, {
  message: worded('must be a sha256 hash: 64 lower-case hex digits', 'issues.ruleSetHash'),
});

/** A rule-set hash: sha256 of its canonical JSON, lower-case hex. */
export const ruleSetParams = z.object({ hash: ruleSetHash });

export const ruleSetDiffParams = z.object({
  hash: ruleSetHash.describe('the earlier rule set'),
  to: ruleSetHash.describe('the later rule set'),
});

const note = z
  .string()
  .max(2000)
  .describe('why: kept with the rule set or publication and audited (required, not blank)');

/** A draft as pushed: every file of the rule set by name, and its cases by name. */
export const pushRuleSetBody = z.strictObject({
  note,
  files: z
    .record(z.string(), z.unknown())
    .describe(
      'each file of the rule set by name (tariff.json, prices.json, costs.json, *.rules.json), as its parsed JSON',
    ),
  cases: z
    .record(z.string(), z.unknown())
    .describe(
      'each rule case by name, as a file in rules/cases/ holds it; every one must price as it expects',
    ),
});

export const publishRuleSetBody = z.strictObject({
  note,
  effectiveFrom: z.iso
    .datetime({
      error: worded(
        'must be a UTC date and time such as 2027-01-01T01:00:00Z',
        'issues.isoInstant',
      ),
    })
    .optional()
    .describe('publish at this instant rather than now (scheduled; takes effect when due)'),
});

export const rollbackRuleSetBody = z.strictObject({ note });

export const cancelPublicationBody = z.strictObject({ note });
