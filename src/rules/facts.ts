/**
 * The facts a rule's conditions may read, with their types. Validation checks every condition
 * against this catalogue, so a typo in a fact name or a value of the wrong type is caught when the
 * rule set loads, not silently never matched at quote time. The customer facts and options come
 * from the tariff's declarations, so a new one needs no code change.
 */
import { LRUCache } from 'lru-cache';
import { USAGE_FIELDS } from '../domain';
import type { CustomerFact, Declarations, RequestOption } from './declarations';

export type FactType =
  | { type: 'decimal' }
  | { type: 'integer' }
  | { type: 'boolean' }
  | { type: 'string' }
  | { type: 'date' }
  | { type: 'enum'; values: readonly string[]; nullable?: boolean }
  | { type: 'object'; fields: Readonly<Record<string, FactType>> };

export interface FactDefinition {
  readonly type: FactType;
  readonly description: string;
}

export type Phase = 'offer' | 'approval';

const decimal: FactType = { type: 'decimal' };
const integer: FactType = { type: 'integer' };

function declaredType(declared: CustomerFact | RequestOption): FactType {
  switch (declared.type) {
    case 'enum':
      return { type: 'enum', values: declared.values.map((value) => value.code) };
    case 'count':
      return integer;
    default:
      return { type: declared.type };
  }
}

/** What the fact catalogue is built from: the tariff's declarations, tiers and handset models. */
export interface FactVocabulary extends Declarations {
  tiers: readonly string[];
  handsetModels: readonly string[];
}

/** The facts of each phase. */
export function factCatalogue(
  phase: Phase,
  vocabulary: FactVocabulary,
): Record<string, FactDefinition> {
  const tier: FactDefinition = {
    type: { type: 'enum', values: vocabulary.tiers, nullable: true },
    description: 'customer tier (§3); null until an assign-tier rule of higher priority has set it',
  };
  const enterprise: FactType = {
    type: 'object',
    fields: {
      id: { type: 'string' },
      name: { type: 'string' },
      ...Object.fromEntries(
        vocabulary.customerFacts.map((fact) => [fact.name, declaredType(fact)]),
      ),
    },
  };
  const usagePerLine: FactType = {
    type: 'object',
    fields: Object.fromEntries(USAGE_FIELDS.map((field) => [field, decimal])),
  };
  const handsets: FactType = {
    type: 'object',
    fields: Object.fromEntries(vocabulary.handsetModels.map((model) => [model, integer])),
  };
  const request: Record<string, FactDefinition> = {
    enterprise: {
      type: enterprise,
      description: `the enterprise: ${Object.keys(enterprise.fields).join(', ')}`,
    },
    termMonths: { type: integer, description: 'contract term in months' },
    lines: { type: integer, description: 'number of subscriber lines' },
    usagePerLine: { type: usagePerLine, description: 'expected monthly usage per line' },
    ...Object.fromEntries(
      vocabulary.options.map((option) => [
        option.name,
        { type: declaredType(option), description: option.description ?? option.names.en },
      ]),
    ),
    handsetCount: { type: integer, description: 'total number of handsets requested' },
    handsets: {
      type: handsets,
      description: 'handsets requested by model (path "$.<model>"), 0 for a model not requested',
    },
    quoteDate: {
      type: { type: 'date' },
      description: 'the calendar date (China) the quote is priced on, YYYY-MM-DD',
    },
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
    negotiatedPercent: {
      type: decimal,
      description:
        'the deepest discount negotiated beyond the tariff on any item, in percent points ("0" when none)',
    },
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
