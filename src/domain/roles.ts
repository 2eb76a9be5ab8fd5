/** The roles a service user may hold; src/quotes/policy.ts says what each may do. */
export const ROLES = [
  'account-manager',
  'pricing-manager',
  'finance-director',
  'finance-auditor',
  'admin',
] as const;
export type Role = (typeof ROLES)[number];
