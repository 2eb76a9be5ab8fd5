import { LRUCache } from 'lru-cache';
import { CREDIT_RATINGS, INDUSTRIES, PURCHASING_MODES } from '../domain';
/**
 * The facts a rule's conditions may read, with their types. Validation checks every condition
 * against this catalogue, so a typo in a fact name or a value of the wrong type is caught when the
 * rule set loads, not silently never matched at quote time.
 */

export type FactType =
  | { type: 'decimal' }
  | { type: 'integer' }
  | { type: 'boolean' }
  | { type: 'string' }
  | { type: 'enum'; values: readonly string[]; nullable?: boolean }
  | { type: 'object'; fields: Readonly<Record<string, FactType>> };

export interface FactDefinition {
  readonly type: FactType;
  readonly description: string;
}

export type Phase = 'offer' | 'approval';

const decimal: FactType = { type: 'decimal' };
const integer: FactType = { type: 'integer' };

const enterprise: FactType = {
  type: 'object',
  fields: {
    id: { type: 'string' },
    name: { type: 'string' },
    industry: { type: 'enum', values: INDUSTRIES },
    creditRating: { type: 'enum', values: CREDIT_RATINGS },
    purchasing: { type: 'enum', values: PURCHASING_MODES },
    annualSpend: decimal,
  },
};

const usagePerLine: FactType = {
  type: 'object',
  fields: {
    localMinutes: decimal,
    groupMinutes: decimal,
    longDistanceMinutes: decimal,
    sms: decimal,
    dataGB: decimal,
  },
};

/** The facts of each phase. `tiers` comes from the tariff file, so a new tier needs no code change. */
export function factCatalogue(
  phase: Phase,
  tiers: readonly string[],
): Record<string, FactDefinition> {
  const tier: FactDefinition = {
    type: { type: 'enum', values: tiers, nullable: true },
    description: 'customer tier (§3); null until an assign-tier rule of higher priority has set it',
  };
  const request: Record<string, FactDefinition> = {
    enterprise: {
      type: enterprise,
      description: 'the enterprise: id, name, industry, creditRating, purchasing, annualSpend',
    },
    termMonths: { type: integer, description: 'contract term in months' },
    lines: { type: integer, description: 'number of subscriber lines' },
    usagePerLine: { type: usagePerLine, description: 'expected monthly usage per line' },
    ringbackTone: {
      type: { type: 'boolean' },
      description: 'whether every line takes the ringback tone',
    },
    handsetCount: { type: integer, description: 'total number of handsets requested' },
    tier,
  };
  if (phase === 'offer') return request;
  return {
    ...request,
    monthlyNet: { type: decimal, description: 'monthly recurring net, tax-inclusive' },
    contractValue: { type: decimal, description: 'contract value, tax-inclusive' },
    revenueExclTax: { type: decimal, description: 'revenue over the term, excl. tax' },
    totalCost: { type: decimal, description: 'total cost over the term' },
    margin: { type: decimal, description: 'revenue − total cost' },
    marginPct: { type: decimal, description: 'margin as a percentage of revenue, 2 decimals' },
  };
}

/** Resolves a condition `path` (`$.creditRating` or `creditRating`) to the type it reaches. */
export function typeAtPath(root: FactType, path: string | undefined): FactType | undefined {
  if (path === undefined) return root;
  let current: FactType | undefined = root;
  for (const segment of splitPath(path)) {
    if (current?.type !== 'object') return undefined;
    current = current.fields[segment];
  }
  return current;
}

/** `$.a.b`, `$a.b` (tolerated) and `a.b` all name the same place. */
export function splitPath(path: string): string[] {
  const trimmed = path.replace(/^\$\.?/, '');
  return trimmed === '' ? [] : trimmed.split('.');
}

/** Paths come from validated rule files, so this stays about as small as the rule sets in use. */
const splitPaths = new LRUCache<string, string[]>({ max: 1_000 });

/**
 * The plain dot-path resolver handed to json-rules-engine in place of its JSONPath default:
 * no expression evaluation, just property access on own properties.
 */
export function resolvePath(value: unknown, path: string): unknown {
  let segments = splitPaths.get(path);
  if (!segments) {
    segments = splitPath(path);
    splitPaths.set(path, segments);
  }
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment))
      return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
