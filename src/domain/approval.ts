/** §8: the approval a proposal needs before it may be issued; `rejected` is loss-making, never issued. */
export const APPROVAL_LEVELS = ['auto', 'pricing-manager', 'finance-director', 'rejected'] as const;
export type ApprovalLevel = (typeof APPROVAL_LEVELS)[number];
