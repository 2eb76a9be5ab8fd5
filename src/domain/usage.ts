/** The closed vocabularies of a quote request (tariff book §1). */
export const INDUSTRIES = [
  'finance',
  'government',
  'manufacturing',
  'logistics',
  'education',
  'healthcare',
  'retail',
  'other',
] as const;
export const CREDIT_RATINGS = ['AAA', 'AA', 'A', 'BBB', 'BB', 'B', 'C'] as const;
export const PURCHASING_MODES = ['centralized', 'distributed'] as const;
export const USAGE_FIELDS = [
  'localMinutes',
  'groupMinutes',
  'longDistanceMinutes',
  'sms',
  'dataGB',
] as const;

export type Industry = (typeof INDUSTRIES)[number];
export type CreditRating = (typeof CREDIT_RATINGS)[number];
export type PurchasingMode = (typeof PURCHASING_MODES)[number];
export type UsageField = (typeof USAGE_FIELDS)[number];
