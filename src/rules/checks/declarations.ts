/**
 * The tariff's declarations against each other and against the price list: every name is used
 * once and does not shadow a field or fact the code fixes, an enum's default is one of its
 * values, and an item's quantity names an option of the right kind.
 */
import {
  COMPUTED_FACTS,
  ENTERPRISE_IDENTITY_FIELDS,
  FIXED_REQUEST_FIELDS,
  type Declarations,
} from '../declarations';
import type { PricesFile } from '../files';
import type { Problem } from '../problems';
import { duplicates } from './unique';

export function checkDeclarations(
  declarations: Declarations,
  prices: PricesFile,
  files: { tariff: string; prices: string },
): Problem[] {
  const problems: Problem[] = [
    ...duplicates(
      declarations.customerFacts.map((fact) => fact.name),
      { file: files.tariff, path: 'customerFacts', what: 'customer fact' },
    ),
    ...duplicates(
      declarations.options.map((option) => option.name),
      { file: files.tariff, path: 'options', what: 'option' },
    ),
  ];
  declarations.customerFacts.forEach((fact, index) => {
    if ((ENTERPRISE_IDENTITY_FIELDS as readonly string[]).includes(fact.name)) {
      problems.push({
        file: files.tariff,
        path: `customerFacts.${index}.name`,
        code: 'duplicate',
        message: `"${fact.name}" is the enterprise's own field; give the fact another name`,
      });
    }
    if (fact.type === 'enum' && fact.default !== undefined) {
      if (!fact.values.some((value) => value.code === fact.default)) {
        problems.push({
          file: files.tariff,
          path: `customerFacts.${index}.default`,
          code: 'invalid-value',
          message: `the default "${fact.default}" is not one of ${fact.values.map((value) => value.code).join(', ')}`,
        });
      }
    }
  });
  const reserved: readonly string[] = [...FIXED_REQUEST_FIELDS, ...COMPUTED_FACTS];
  declarations.options.forEach((option, index) => {
    if (reserved.includes(option.name)) {
      problems.push({
        file: files.tariff,
        path: `options.${index}.name`,
        code: 'duplicate',
        message: `"${option.name}" is a request field or fact of its own; give the option another name`,
      });
    }
  });
  const optionOfType = (name: string, type: 'boolean' | 'count') =>
    declarations.options.some((option) => option.name === name && option.type === type);
  const known = (type: 'boolean' | 'count') =>
    declarations.options
      .filter((option) => option.type === type)
      .map((option) => option.name)
      .join(', ') || 'none declared';
  prices.items.forEach((item, index) => {
    const basis = item.quantity;
    if ('onlyIf' in basis && basis.onlyIf !== undefined && !optionOfType(basis.onlyIf, 'boolean')) {
      problems.push({
        file: files.prices,
        path: `items.${index}.quantity.onlyIf`,
        code: 'unknown-item',
        message: `${item.code}: "${basis.onlyIf}" is not a yes/no option in tariff.json (known: ${known('boolean')})`,
      });
    }
    if (basis.basis === 'option' && !optionOfType(basis.option, 'count')) {
      problems.push({
        file: files.prices,
        path: `items.${index}.quantity.option`,
        code: 'unknown-item',
        message: `${item.code}: "${basis.option}" is not a count option in tariff.json (known: ${known('count')})`,
      });
    }
  });
  return problems;
}
