/**
 * The usage a request states per line (tariff book §1): fixed by the code, because price-list
 * items read their quantity from these fields. The enterprise's other facts (industry, credit
 * rating, …) are the tariff's declarations (tariff.json `customerFacts`), not code.
 */
export const USAGE_FIELDS = [
  'localMinutes',
  'groupMinutes',
  'longDistanceMinutes',
  'sms',
  'dataGB',
] as const;

export type UsageField = (typeof USAGE_FIELDS)[number];
