/** Param types several components share. Rule constants are decimal strings, never JSON numbers. */
import { z } from 'zod';
import { nonNegativeDecimalString } from '../../domain';
import type { ParamsProblem, TariffCatalogue } from './component';

export const nonNegativeDecimal = nonNegativeDecimalString;
export const percentPoints = nonNegativeDecimal.describe('percent points: "35" means 35 %');
/** A step or size that must be above zero: "0" would divide by zero, "0.00" too. */
export const positiveDecimal = nonNegativeDecimal.refine((value) => /[1-9]/.test(value), {
  message: 'must be above zero, e.g. "100.00"',
});
export const itemCode = z.string().min(1).describe('a code from prices.json');

/** The item a rule names must be in the price list. */
export function checkItem(
  component: string,
  item: string,
  catalogue: TariffCatalogue,
): ParamsProblem[] {
  return catalogue.itemCodes.has(item)
    ? []
    : [
        {
          path: 'item',
          code: 'unknown-item',
          message: `${component}: "${item}" is not in prices.json`,
        },
      ];
}
