/**
 * The deal desk's headroom (issue 14 §2): for each item of a priced request, how much more an
 * account manager may negotiate before the quote needs a higher approval — the deepest extra
 * percent (to 0.01 point) that keeps the current level, and the least that reaches each level
 * after it. Exact: every candidate is priced by the core itself, on the decimal result, and the
 * boundary is found by bisection over hundredths of a point. A deeper discount never lowers the
 * approval a tariff demands (less margin, a deeper negotiated percent), which bisection relies on.
 */
import { z } from 'zod';
import { APPROVAL_LEVELS, type ApprovalLevel } from '../domain';
import type { RuleSet } from '../rules/compile';
import type { Adjustment, QuoteRequest } from '../rules/request';
import { priceRequest, type PricingContext } from './price';

/** Hundredths of a percent point: 10000 is 100 %. */
const FULL = 10_000;

export const headroomSchema = z
  .strictObject({
    level: z.enum(APPROVAL_LEVELS).describe('the approval the quote needs as it stands'),
    items: z.array(
      z.strictObject({
        item: z.string(),
        keepsLevelUpTo: z
          .string()
          .describe(
            'the deepest extra percent points on this item that keep the level ("100": any)',
          ),
        reaches: z.array(
          z.strictObject({
            level: z.enum(APPROVAL_LEVELS),
            fromPercent: z.string().describe('the least extra percent points that need this level'),
          }),
        ),
      }),
    ),
  })
  .describe('How much more may be negotiated on each item before a higher approval is needed');
export type Headroom = z.infer<typeof headroomSchema>;
export type ItemHeadroom = Headroom['items'][number];

const severity = (level: ApprovalLevel) => APPROVAL_LEVELS.indexOf(level);

/** Hundredths as percent-point text: 1250 → "12.5", 5 → "0.05". */
function points(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const fraction = String(hundredths % 100)
    .padStart(2, '0')
    .replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : String(whole);
}

/**
 * Headroom of a request that prices (a refused request has none: undefined). Costs one pricing
 * per probe, about 14 per item and level.
 */
export async function headroom(
  ruleSet: RuleSet,
  request: QuoteRequest,
  context: PricingContext = {},
): Promise<Headroom | undefined> {
  const base = await priceRequest(ruleSet, request, context);
  if (!base.eligible) return undefined;
  const current = base.internal.approval;
  const items: ItemHeadroom[] = [];
  for (const item of base.items) {
    const levelAt = async (hundredths: number): Promise<ApprovalLevel> => {
      const extra: Adjustment = {
        item: item.code,
        percent: points(hundredths),
        reason: 'headroom probe',
      };
      const probe = await priceRequest(
        ruleSet,
        { ...request, adjustments: [...(request.adjustments ?? []), extra] },
        context,
      );
      return probe.eligible ? probe.internal.approval : current;
    };
    const deepest = severity(await levelAt(FULL));
    const reaches: { level: ApprovalLevel; from: number }[] = [];
    // Each level's boundary is at or past the one before, so the search goes on from there.
    let low = 0;
    for (const level of APPROVAL_LEVELS) {
      if (severity(level) <= severity(current) || severity(level) > deepest) continue;
      let high = FULL;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (severity(await levelAt(middle)) >= severity(level)) high = middle;
        else low = middle;
      }
      reaches.push({ level, from: high });
    }
    items.push({
      item: item.code,
      keepsLevelUpTo: points(reaches[0] ? reaches[0].from - 1 : FULL),
      reaches: reaches.map(({ level, from }) => ({ level, fromPercent: points(from) })),
    });
  }
  return { level: current, items };
}
