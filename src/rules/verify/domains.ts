/**
 * The values a fact can take in a request, and the few values of each that a search must try.
 *
 * Every condition compares one fact with constants, so between two neighbouring constants a fact
 * behaves the same: trying each constant, a value on either side of it and one between each pair
 * decides a condition exactly (for enumerations, the values named plus one not named). For a type
 * the conditions cannot order (a date compared with `equal`, text), the same boundary values are
 * tried: a boundary-value search.
 */
import { isDecimalString } from '../../domain';
import { Decimal, parseDecimal } from '../../money/money';
import type { FactType, Phase } from '../facts';

export type FactValue = string | number | boolean | null;

export type Domain =
  | { kind: 'values'; values: readonly FactValue[] }
  | { kind: 'integer'; min: number; max: number }
  | { kind: 'decimal'; min: Decimal | undefined }
  | { kind: 'date' }
  | { kind: 'text' };

/**
 * What the request schema allows (src/rules/request.ts): lines from 1 to 1,000,000, a term from
 * the tariff's list, counts from 0. Amounts and usage in a request are never negative; the margin
 * the approval phase reads can be.
 */
const LINES = { min: 1, max: 1_000_000 };
const COUNT_MAX = 1_000_000;
const DECLARED_INTEGER_MAX = 1_000_000_000;
const SIGNED_FACTS: ReadonlySet<string> = new Set(['margin', 'marginPct']);

export interface DomainContext {
  phase: Phase;
  contractTerms: readonly number[];
  /** Integer facts and options with a declared `max`, by variable (`enterprise.sites`, `pbxSeats`). */
  declaredMax: ReadonlyMap<string, number>;
  /** A fact set by a rule of an earlier phase (the tier, in the approval phase): never null then. */
  setEarlier: boolean;
}

/** The domain of one variable (`lines`, `enterprise.creditRating`) of type `type`. */
export function domainOf(variable: string, type: FactType, context: DomainContext): Domain {
  switch (type.type) {
    case 'enum':
      return {
        kind: 'values',
        values: [...type.values, ...(type.nullable && !context.setEarlier ? [null] : [])],
      };
    case 'boolean':
      return { kind: 'values', values: [true, false] };
    case 'integer':
      if (variable === 'termMonths') return { kind: 'values', values: context.contractTerms };
      if (variable === 'lines') return { kind: 'integer', ...LINES };
      return {
        kind: 'integer',
        min: 0,
        max:
          context.declaredMax.get(variable) ??
          (variable.startsWith('enterprise.') ? DECLARED_INTEGER_MAX : COUNT_MAX),
      };
    case 'decimal':
      return {
        kind: 'decimal',
        min: SIGNED_FACTS.has(variable) ? undefined : new Decimal(0),
      };
    case 'date':
      return { kind: 'date' };
    default:
      return { kind: 'text' };
  }
}

/** The values worth trying for a variable whose conditions name `constants`. */
export function candidates(domain: Domain, constants: readonly unknown[]): FactValue[] {
  switch (domain.kind) {
    case 'values': {
      const named = domain.values.filter((value) => constants.includes(value));
      const other = domain.values.find((value) => !constants.includes(value));
      return other === undefined ? named : [...named, other];
    }
    case 'integer':
      return integerCandidates(domain, numbers(constants));
    case 'decimal':
      return decimalCandidates(domain.min, numbers(constants));
    case 'date':
      return dateCandidates(constants.filter((value): value is string => isDate(value)));
    case 'text': {
      const named = [...new Set(constants.filter((value) => typeof value === 'string'))];
      return [...named, otherText(named)];
    }
  }
}

function numbers(constants: readonly unknown[]): Decimal[] {
  const found: Decimal[] = [];
  for (const constant of constants) {
    if (typeof constant === 'number' && Number.isFinite(constant))
      found.push(parseDecimal(constant));
    else if (isDecimalString(constant)) found.push(parseDecimal(constant));
  }
  return found;
}

function integerCandidates(domain: { min: number; max: number }, constants: Decimal[]): number[] {
  const found = new Set<number>([domain.min]);
  for (const constant of constants) {
    const floor = constant.floor().toNumber();
    const ceil = constant.ceil().toNumber();
    for (const value of [floor - 1, floor, ceil, ceil + 1]) found.add(value);
  }
  return [...found]
    .filter((value) => value >= domain.min && value <= domain.max)
    .sort((a, b) => a - b);
}

/** Each constant, a value between neighbours, and one beyond either end (as request strings). */
function decimalCandidates(min: Decimal | undefined, constants: Decimal[]): string[] {
  const points = uniqueSorted([...constants, ...(min ? [min] : [])]).filter(
    (value) => !min || value.gte(min),
  );
  if (points.length === 0) return ['0'];
  const found: Decimal[] = [...points];
  for (let index = 1; index < points.length; index += 1)
    found.push(points[index - 1]!.plus(points[index]!).div(2));
  found.push(points.at(-1)!.plus(1));
  if (!min) found.push(points[0]!.minus(1));
  return uniqueSorted(found).map((value) => value.toFixed());
}

function uniqueSorted(values: readonly Decimal[]): Decimal[] {
  const sorted = [...values].sort((a, b) => a.cmp(b));
  return sorted.filter((value, index) => index === 0 || !value.eq(sorted[index - 1]!));
}

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
/** Any date does for a rule set that names none. */
const SOME_DATE = '2026-01-01';

function isDate(value: unknown): value is string {
  return typeof value === 'string' && DATE_PATTERN.test(value);
}

function dateCandidates(constants: readonly string[]): string[] {
  if (constants.length === 0) return [SOME_DATE];
  const found = new Set<string>();
  for (const date of constants) {
    found.add(shiftDate(date, -1));
    found.add(date);
    found.add(shiftDate(date, 1));
  }
  return [...found].sort();
}

function shiftDate(date: string, days: number): string {
  const time = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000;
  return new Date(time).toISOString().slice(0, 10);
}

function otherText(named: readonly string[]): string {
  let text = 'other';
  while (named.includes(text)) text = `${text}-x`;
  return text;
}
