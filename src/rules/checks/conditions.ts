/**
 * Conditions against the facts they read: the fact exists in the rule's phase, its path reaches a
 * field, the operator suits the fact's type and the value is one the fact can take. A typo is
 * caught when the rule set loads instead of never matching at quote time.
 */
import { isDecimalString } from '../../domain';
import { typeAtPath, type FactDefinition, type FactType } from '../facts';
import { DECIMAL_OPERATORS, type ConditionNode, type LeafCondition } from '../files';
import type { Problem, ProblemCode } from '../problems';

type Report = (path: string, code: ProblemCode, message: string) => void;

/** Every problem of the leaf conditions under `node`, which is at `path` in `file`. */
export function checkConditions(
  file: string,
  node: ConditionNode,
  path: string,
  facts: Readonly<Record<string, FactDefinition>>,
): Problem[] {
  const problems: Problem[] = [];
  const at: Report = (where, code, message) => problems.push({ file, path: where, code, message });
  const walk = (current: ConditionNode, where: string): void => {
    if ('all' in current)
      current.all.forEach((child, index) => walk(child, `${where}.all.${index}`));
    else if ('any' in current)
      current.any.forEach((child, index) => walk(child, `${where}.any.${index}`));
    else if ('not' in current) walk(current.not, `${where}.not`);
    else checkLeaf(current, where, facts, at);
  };
  walk(node, path);
  return problems;
}

function checkLeaf(
  leaf: LeafCondition,
  path: string,
  facts: Readonly<Record<string, FactDefinition>>,
  at: Report,
): void {
  const definition = facts[leaf.fact];
  if (!definition) {
    at(
      `${path}.fact`,
      'unknown-fact',
      `unknown fact "${leaf.fact}"; known facts: ${Object.keys(facts).join(', ')}`,
    );
    return;
  }
  const type = typeAtPath(definition.type, leaf.path);
  if (!type) {
    const fields =
      definition.type.type === 'object'
        ? `; fields: ${Object.keys(definition.type.fields).join(', ')}`
        : '';
    at(
      `${path}.path`,
      'unknown-path',
      `fact "${leaf.fact}" has no field at path "${leaf.path}"${fields}`,
    );
    return;
  }
  if (type.type === 'object') {
    at(
      `${path}.path`,
      'unknown-path',
      `fact "${leaf.fact}" is an object; add a "path" to one of its fields: ${Object.keys(type.fields).join(', ')}`,
    );
    return;
  }
  const factName = `${leaf.fact}${leaf.path ? leaf.path.replace(/^\$/, '') : ''}`;
  checkValue(leaf.operator, type, leaf.value, path, factName, at);
}

function checkValue(
  operator: string,
  type: FactType,
  value: unknown,
  path: string,
  factName: string,
  at: Report,
): void {
  if (DECIMAL_OPERATORS.has(operator)) {
    if (type.type !== 'decimal' && type.type !== 'integer') {
      at(
        `${path}.operator`,
        'invalid-operator',
        `${operator} compares numbers, but ${factName} is ${describeType(type)}`,
      );
    } else if (!isDecimalString(value)) {
      at(
        `${path}.value`,
        'invalid-value',
        `${operator} needs a decimal string such as "100" or "0.5", got ${JSON.stringify(value)}${typeof value === 'number' ? `: write "value": "${value}"` : ''}`,
      );
    }
    return;
  }
  if (type.type === 'decimal') {
    at(
      `${path}.operator`,
      'invalid-operator',
      `${factName} is a decimal: compare it with decimalEqual / decimalGreaterThan…, not ${operator}`,
    );
    return;
  }
  const many = operator === 'in' || operator === 'notIn';
  if (many && !Array.isArray(value)) {
    at(`${path}.value`, 'invalid-value', `${operator} needs an array of values`);
    return;
  }
  const candidates: readonly unknown[] = many && Array.isArray(value) ? value : [value];
  candidates.forEach((candidate, index) => {
    const problem = valueProblem(type, candidate);
    if (problem)
      at(
        many ? `${path}.value.${index}` : `${path}.value`,
        'invalid-value',
        `${factName} ${problem}, got ${JSON.stringify(candidate)}`,
      );
  });
}

function valueProblem(type: FactType, value: unknown): string | undefined {
  switch (type.type) {
    case 'integer':
      return Number.isSafeInteger(value) ? undefined : 'is a whole number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'is true or false';
    case 'string':
      return typeof value === 'string' ? undefined : 'is text';
    case 'date':
      return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)
        ? undefined
        : 'is a date such as "2026-12-31"';
    case 'enum': {
      if (value === null && type.nullable) return undefined;
      return typeof value === 'string' && type.values.includes(value)
        ? undefined
        : `is one of ${type.values.join(', ')}${type.nullable ? ' or null' : ''}`;
    }
    default:
      return undefined;
  }
}

function describeType(type: FactType): string {
  return type.type === 'enum' ? `one of ${type.values.join(', ')}` : `a ${type.type}`;
}
