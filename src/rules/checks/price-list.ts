/**
 * Prices against costs and VAT classes (§4, §5): every priced item has a VAT class and a cost,
 * every cost belongs to a priced item, and item codes are unique. Returns the items ready to price.
 */
import { parseDecimal, type Decimal } from '../../money/money';
import type { CostsFile, PriceItem, PricesFile } from '../files';
import type { Problem } from '../problems';
import { duplicates } from './unique';

export interface PricedItemDefinition extends PriceItem {
  vatRate: Decimal;
  /** The VAT rate as the price list writes it ("0.09"). */
  vatClassRate: string;
  unitPriceValue: Decimal;
  unitCostValue: Decimal;
}

export function checkPriceList(
  prices: PricesFile,
  costs: CostsFile,
  files: { prices: string; costs: string },
): { items: PricedItemDefinition[]; problems: Problem[] } {
  const problems = duplicates(
    prices.items.map((item) => item.code),
    { file: files.prices, path: 'items', what: 'item code' },
  );
  const items: PricedItemDefinition[] = [];
  prices.items.forEach((item, index) => {
    const vatClass = prices.vatClasses[item.vatClass];
    if (!vatClass) {
      problems.push({
        file: files.prices,
        path: `items.${index}.vatClass`,
        code: 'unknown-item',
        message: `unknown VAT class "${item.vatClass}" (known: ${Object.keys(prices.vatClasses).join(', ')})`,
      });
    }
    const unitCost = costs.unitCosts[item.code];
    if (unitCost === undefined) {
      problems.push({
        file: files.costs,
        path: 'unitCosts',
        code: 'missing-cost',
        message: `no unit cost for ${item.code}: every priced item needs a cost (§5)`,
      });
    }
    if (vatClass && unitCost !== undefined) {
      items.push({
        ...item,
        vatRate: parseDecimal(vatClass.rate),
        vatClassRate: vatClass.rate,
        unitPriceValue: parseDecimal(item.unitPrice),
        unitCostValue: parseDecimal(unitCost),
      });
    }
  });
  for (const code of Object.keys(costs.unitCosts)) {
    if (!prices.items.some((item) => item.code === code)) {
      problems.push({
        file: files.costs,
        path: `unitCosts.${code}`,
        code: 'unknown-item',
        message: `${code} is not in prices.json`,
      });
    }
  }
  return { items, problems };
}
