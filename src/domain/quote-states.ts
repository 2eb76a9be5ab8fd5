/** Where a stored quote is in its lifecycle (src/quotes/lifecycle.ts says how it moves). */
export const QUOTE_STATES = [
  'draft',
  'pending-approval',
  'approved',
  'issued',
  'accepted',
  'declined',
  'expired',
  'rejected',
  'superseded',
  'withdrawn',
] as const;
export type QuoteState = (typeof QUOTE_STATES)[number];
