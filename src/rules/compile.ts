/**
 * Turns the parsed files of a rule set into a validated, ready-to-run RuleSet, or a list of
 * problems. Pure: the loader (load.ts) does the file reading.
 */
import type { z } from 'zod';
import { parseDecimal, type Decimal } from '../money/money';
import { issuePath } from '../errors';
import { buildRequestSchema, type QuoteRequestSchema } from './request';
import {
  COMPONENT_CODES,
  componentFor,
  type Component,
  type PreparedEvent,
  type TariffCatalogue,
} from './components';
import { factCatalogue, typeAtPath, type FactDefinition, type FactType, type Phase } from './facts';
import {
  DECIMAL_OPERATORS,
  OPERATORS,
  costsFileSchema,
  pricesFileSchema,
  ruleFileSchema,
  tariffFileSchema,
  type ConditionNode,
  type PriceItem,
  type RuleEvent,
  type TariffFile,
  type TopLevelCondition,
} from './files';
import { isDecimalString } from '../domain';
import { canonicalJson, sha256Hex } from '../hashing';

export type ProblemCode =
  | 'invalid-json'
  | 'missing-file'
  | 'unknown-file'
  | 'schema'
  | 'invalid-condition'
  | 'unknown-fact'
  | 'unknown-path'
  | 'unknown-operator'
  | 'invalid-operator'
  | 'invalid-value'
  | 'unknown-component'
  | 'invalid-params'
  | 'wrong-phase'
  | 'unknown-item'
  | 'unknown-tier'
  | 'duplicate'
  | 'missing-cost'
  | 'priority-order';

/** One problem in one file, located by a dotted path inside it. Data, so any front end can show it. */
export interface Problem {
  file: string;
  path: string;
  code: ProblemCode;
  message: string;
}

/** What a rule set is made of: each file's parsed JSON by file name. Hashed, stored and replayed as is. */
export interface RuleSetSnapshot {
  files: Record<string, unknown>;
}

export interface CompiledRule {
  name: string;
  description?: string;
  priority: number;
  conditions: TopLevelCondition;
  event: RuleEvent;
  /** The component the event names, and the event with its params parsed by it. */
  component: Component;
  prepared: PreparedEvent;
  file: string;
  /** Position across the whole set, for a deterministic order of firings within one priority. */
  order: number;
}

export interface PricedItemDefinition extends PriceItem {
  vatRate: Decimal;
  /** The VAT rate as the price list writes it ("0.09"). */
  vatClassRate: string;
  unitPriceValue: Decimal;
  unitCostValue: Decimal;
}

export interface RuleSet {
  hash: string;
  snapshot: RuleSetSnapshot;
  tariff: TariffFile;
  items: readonly PricedItemDefinition[];
  rulesByPhase: Readonly<Record<Phase, readonly CompiledRule[]>>;
  requestSchema: QuoteRequestSchema;
}

export type CompileResult = { ok: true; ruleSet: RuleSet } | { ok: false; problems: Problem[] };

export const TARIFF_FILE = 'tariff.json';
export const PRICES_FILE = 'prices.json';
export const COSTS_FILE = 'costs.json';
export const RULE_FILE_SUFFIX = '.rules.json';

/** sha256 of the canonical JSON of the snapshot: the identity every quote carries as ruleSetHash. */
export function ruleSetHash(snapshot: RuleSetSnapshot): string {
  return sha256Hex(canonicalJson(snapshot));
}

export function compileRuleSet(snapshot: RuleSetSnapshot): CompileResult {
  const problems: Problem[] = [];
  const files = snapshot.files;

  for (const name of Object.keys(files)) {
    if (
      ![TARIFF_FILE, PRICES_FILE, COSTS_FILE].includes(name) &&
      !name.endsWith(RULE_FILE_SUFFIX)
    ) {
      problems.push({
        file: name,
        path: '',
        code: 'unknown-file',
        message: `not part of a rule set: expected ${TARIFF_FILE}, ${PRICES_FILE}, ${COSTS_FILE} or *${RULE_FILE_SUFFIX}`,
      });
    }
  }

  const tariff = parseFile(files, TARIFF_FILE, tariffFileSchema, problems);
  const prices = parseFile(files, PRICES_FILE, pricesFileSchema, problems);
  const costs = parseFile(files, COSTS_FILE, costsFileSchema, problems);
  const ruleFiles = Object.keys(files)
    .filter((name) => name.endsWith(RULE_FILE_SUFFIX))
    .sort();
  if (ruleFiles.length === 0) {
    problems.push({
      file: `*${RULE_FILE_SUFFIX}`,
      path: '',
      code: 'missing-file',
      message: 'a rule set needs at least one rule file',
    });
  }
  if (!tariff || !prices || !costs) {
    // Rule files are still checked for shape, so one run reports as much as it can.
    for (const file of ruleFiles) checkRuleFile(file, files[file], undefined, problems, 0);
    return { ok: false, problems };
  }

  const tierCodes = tariff.tiers.map((tier) => tier.code);
  checkUnique(tierCodes, TARIFF_FILE, 'tiers', 'tier', problems);

  const items: PricedItemDefinition[] = [];
  checkUnique(
    prices.items.map((item) => item.code),
    PRICES_FILE,
    'items',
    'item code',
    problems,
  );
  prices.items.forEach((item, index) => {
    const vatClass = prices.vatClasses[item.vatClass];
    if (!vatClass) {
      problems.push({
        file: PRICES_FILE,
        path: `items.${index}.vatClass`,
        code: 'unknown-item',
        message: `unknown VAT class "${item.vatClass}" (known: ${Object.keys(prices.vatClasses).join(', ')})`,
      });
    }
    const unitCost = costs.unitCosts[item.code];
    if (unitCost === undefined) {
      problems.push({
        file: COSTS_FILE,
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
        file: COSTS_FILE,
        path: `unitCosts.${code}`,
        code: 'unknown-item',
        message: `${code} is not in prices.json`,
      });
    }
  }

  const context: TariffCatalogue = {
    tiers: tierCodes,
    itemCodes: new Set(prices.items.map((item) => item.code)),
    categories: new Set(prices.items.map((item) => item.category)),
    usageItemCodes: new Set(
      prices.items
        .filter((item) => item.quantity.basis === 'usagePerLine')
        .map((item) => item.code),
    ),
  };
  const compiled: CompiledRule[] = [];
  for (const file of ruleFiles)
    compiled.push(...checkRuleFile(file, files[file], context, problems, compiled.length));

  checkUnique(
    compiled.map((rule) => rule.name),
    '(rule set)',
    'rules',
    'rule name',
    problems,
    compiled.map((rule) => rule.file),
  );
  const rulesByPhase: Record<Phase, CompiledRule[]> = { offer: [], approval: [] };
  for (const rule of compiled) rulesByPhase[rule.component.phase].push(rule);
  for (const phase of ['offer', 'approval'] as const)
    checkDerivedFactOrder(rulesByPhase[phase], problems);

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    ruleSet: {
      hash: ruleSetHash(snapshot),
      snapshot,
      tariff,
      items,
      rulesByPhase,
      requestSchema: buildRequestSchema({
        contractTerms: tariff.contractTerms,
        handsetModels: prices.items
          .filter((item) => item.quantity.basis === 'handsets')
          .map((item) => item.code),
      }),
    },
  };
}

function parseFile<T>(
  files: Record<string, unknown>,
  name: string,
  schema: z.ZodType<T>,
  problems: Problem[],
): T | undefined {
  if (!(name in files)) {
    problems.push({
      file: name,
      path: '',
      code: 'missing-file',
      message: `${name} is missing from the rule set`,
    });
    return undefined;
  }
  const result = schema.safeParse(files[name]);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    problems.push({
      file: name,
      path: issuePath(issue.path),
      code: 'schema',
      message: issue.message,
    });
  }
  return undefined;
}

function checkUnique(
  values: string[],
  file: string,
  path: string,
  what: string,
  problems: Problem[],
  files?: string[],
): void {
  const seen = new Map<string, number>();
  values.forEach((value, index) => {
    const first = seen.get(value);
    if (first !== undefined) {
      problems.push({
        file: files?.[index] ?? file,
        path: files ? value : `${path}.${index}`,
        code: 'duplicate',
        message: `${what} "${value}" is defined twice${files ? ` (also in ${files[first]})` : ''}`,
      });
    } else {
      seen.set(value, index);
    }
  });
}

const RULE_KEYS = new Set(['name', 'description', 'priority', 'conditions', 'event']);

/** Checks one rule file; returns its rules that are fully valid (context given) or nothing. */
function checkRuleFile(
  file: string,
  content: unknown,
  context: TariffCatalogue | undefined,
  problems: Problem[],
  orderStart: number,
): CompiledRule[] {
  const problemsBefore = problems.length;
  const at = (path: string, code: ProblemCode, message: string) =>
    problems.push({ file, path, code, message });
  if (!isRecord(content)) {
    at('', 'schema', 'a rule file must be a JSON object with "phase" and "rules"');
    return [];
  }
  for (const key of Object.keys(content)) {
    if (!['$schema', 'phase', 'description', 'rules'].includes(key))
      at(key, 'schema', `unknown key "${key}"`);
  }
  const phase = content.phase;
  if (phase !== 'offer' && phase !== 'approval') {
    at(
      'phase',
      'schema',
      'must be "offer" (rules that price a request) or "approval" (rules that read the margin)',
    );
  }
  if (!Array.isArray(content.rules)) {
    at('rules', 'schema', 'must be an array of rules');
    return [];
  }
  const facts =
    context && (phase === 'offer' || phase === 'approval')
      ? factCatalogue(phase, context.tiers)
      : undefined;
  const compiled: CompiledRule[] = [];
  content.rules.forEach((rule: unknown, index: number) => {
    const base = `rules.${index}`;
    const before = problems.length;
    if (!isRecord(rule)) {
      at(base, 'schema', 'a rule must be an object with name, priority, conditions and event');
      return;
    }
    for (const key of Object.keys(rule))
      if (!RULE_KEYS.has(key)) at(`${base}.${key}`, 'schema', `unknown key "${key}"`);
    if (typeof rule.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(rule.name)) {
      at(`${base}.name`, 'schema', 'must be a lower-case kebab-case name, e.g. long-distance-key');
    }
    if (rule.description !== undefined && typeof rule.description !== 'string')
      at(`${base}.description`, 'schema', 'must be text');
    if (!Number.isSafeInteger(rule.priority) || (rule.priority as number) < 1) {
      at(`${base}.priority`, 'schema', 'must be a whole number ≥ 1 (higher runs first)');
    }
    checkTopLevelCondition(rule.conditions, `${base}.conditions`, facts, at);
    const event = checkEvent(rule.event, `${base}.event`, phase, context, at);
    if (problems.length === before && context && event) {
      compiled.push({
        name: rule.name as string,
        ...(typeof rule.description === 'string' ? { description: rule.description } : {}),
        priority: rule.priority as number,
        conditions: rule.conditions as TopLevelCondition,
        event: rule.event as RuleEvent,
        component: event.component,
        prepared: event.prepared,
        file,
        order: orderStart + compiled.length,
      });
    }
  });
  if (problems.length === problemsBefore) {
    // The checks above give precise messages; the zod schema (the source of the editor's JSON
    // Schema) still has the final word, so the two can never disagree silently.
    const parsed = ruleFileSchema.safeParse(content);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) at(issuePath(issue.path), 'schema', issue.message);
      return [];
    }
  }
  return compiled;
}

type Report = (path: string, code: ProblemCode, message: string) => void;

function checkTopLevelCondition(
  node: unknown,
  path: string,
  facts: Record<string, FactDefinition> | undefined,
  at: Report,
): void {
  if (!isRecord(node) || !('all' in node || 'any' in node || 'not' in node)) {
    at(
      path,
      'invalid-condition',
      'the top of "conditions" must be {"all": [...]}, {"any": [...]} or {"not": {...}}',
    );
    return;
  }
  checkCondition(node, path, facts, at);
}

function checkCondition(
  node: unknown,
  path: string,
  facts: Record<string, FactDefinition> | undefined,
  at: Report,
): void {
  if (!isRecord(node)) {
    at(path, 'invalid-condition', 'a condition must be an object');
    return;
  }
  const keys = Object.keys(node);
  for (const group of ['all', 'any'] as const) {
    if (group in node) {
      if (keys.length !== 1)
        at(path, 'invalid-condition', `"${group}" must stand alone in its object`);
      const children = node[group];
      if (!Array.isArray(children))
        at(`${path}.${group}`, 'invalid-condition', `"${group}" must be an array of conditions`);
      else
        children.forEach((child, index) =>
          checkCondition(child, `${path}.${group}.${index}`, facts, at),
        );
      return;
    }
  }
  if ('not' in node) {
    if (keys.length !== 1) at(path, 'invalid-condition', '"not" must stand alone in its object');
    checkCondition(node.not, `${path}.not`, facts, at);
    return;
  }
  for (const key of keys) {
    if (!['fact', 'path', 'operator', 'value'].includes(key))
      at(`${path}.${key}`, 'invalid-condition', `unknown key "${key}"`);
  }
  const { fact, operator, value } = node;
  if (typeof fact !== 'string') {
    at(
      `${path}.fact`,
      'invalid-condition',
      'a condition needs "fact" (a fact name), "operator" and "value"',
    );
    return;
  }
  if (typeof operator !== 'string' || !(OPERATORS as readonly string[]).includes(operator)) {
    const hint =
      typeof operator === 'string' && /than/i.test(operator)
        ? ` (numbers are compared with decimal${operator[0]?.toUpperCase()}${operator.slice(1)})`
        : '';
    at(
      `${path}.operator`,
      'unknown-operator',
      `unknown operator ${JSON.stringify(operator)}${hint}; known: ${OPERATORS.join(', ')}`,
    );
  }
  if (!('value' in node))
    at(`${path}.value`, 'invalid-value', 'a condition needs a "value" to compare with');
  if (!facts) return;
  const definition = facts[fact];
  if (!definition) {
    at(
      `${path}.fact`,
      'unknown-fact',
      `unknown fact "${fact}"; known facts: ${Object.keys(facts).join(', ')}`,
    );
    return;
  }
  if (node.path !== undefined && typeof node.path !== 'string') {
    at(`${path}.path`, 'unknown-path', 'must be a dot path such as "$.creditRating"');
    return;
  }
  const type = typeAtPath(definition.type, node.path);
  if (!type) {
    const fields =
      definition.type.type === 'object'
        ? `; fields: ${Object.keys(definition.type.fields).join(', ')}`
        : '';
    at(
      `${path}.path`,
      'unknown-path',
      `fact "${fact}" has no field at path "${node.path}"${fields}`,
    );
    return;
  }
  if (type.type === 'object') {
    at(
      `${path}.path`,
      'unknown-path',
      `fact "${fact}" is an object; add a "path" to one of its fields: ${Object.keys(type.fields).join(', ')}`,
    );
    return;
  }
  if (
    typeof operator === 'string' &&
    (OPERATORS as readonly string[]).includes(operator) &&
    'value' in node
  ) {
    checkValue(
      operator,
      type,
      value,
      `${path}.value`,
      `${fact}${node.path ? node.path.replace(/^\$/, '') : ''}`,
      at,
    );
  }
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
        path.replace(/\.value$/, '.operator'),
        'invalid-operator',
        `${operator} compares numbers, but ${factName} is ${describeType(type)}`,
      );
    } else if (!isDecimalString(value)) {
      at(
        path,
        'invalid-value',
        `${operator} needs a decimal string such as "100" or "0.5", got ${JSON.stringify(value)}`,
      );
    }
    return;
  }
  if (type.type === 'decimal') {
    at(
      path.replace(/\.value$/, '.operator'),
      'invalid-operator',
      `${factName} is a decimal: compare it with decimalEqual / decimalGreaterThan…, not ${operator}`,
    );
    return;
  }
  const many = operator === 'in' || operator === 'notIn';
  if (many && !Array.isArray(value)) {
    at(path, 'invalid-value', `${operator} needs an array of values`);
    return;
  }
  const candidates = many ? (value as unknown[]) : [value];
  candidates.forEach((candidate, index) => {
    const problem = valueProblem(type, candidate);
    if (problem)
      at(
        many ? `${path}.${index}` : path,
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

function checkEvent(
  event: unknown,
  path: string,
  phase: unknown,
  context: TariffCatalogue | undefined,
  at: Report,
): { component: Component; prepared: PreparedEvent } | undefined {
  if (!isRecord(event) || typeof event.type !== 'string') {
    at(path, 'schema', 'an event needs "type" (a component code) and "params"');
    return undefined;
  }
  for (const key of Object.keys(event))
    if (key !== 'type' && key !== 'params') at(`${path}.${key}`, 'schema', `unknown key "${key}"`);
  const code = event.type;
  const component = componentFor(code);
  if (!component) {
    at(
      `${path}.type`,
      'unknown-component',
      `unknown component "${code}"; known: ${COMPONENT_CODES.join(', ')}`,
    );
    return undefined;
  }
  if ((phase === 'offer' || phase === 'approval') && component.phase !== phase) {
    at(
      `${path}.type`,
      'wrong-phase',
      `${code} belongs in a rule file of phase "${component.phase}", this file is "${phase}"`,
    );
  }
  const prepared = component.prepare(event.params);
  if (!prepared.success) {
    for (const issue of prepared.error.issues) {
      const where =
        issue.path.length > 0 ? `${path}.params.${issue.path.join('.')}` : `${path}.params`;
      at(where, 'invalid-params', `${code}: ${issue.message}`);
    }
    return undefined;
  }
  if (context) {
    for (const problem of prepared.event.check(context))
      at(`${path}.params.${problem.path}`, problem.code, problem.message);
  }
  return { component, prepared: prepared.event };
}

/**
 * A fact set by a rule (the tier) is only visible to rules of strictly lower priority: rules of
 * one priority run together. Catches a rule that would read the fact before it is set.
 */
function checkDerivedFactOrder(rules: readonly CompiledRule[], problems: Problem[]): void {
  const setters = new Map<string, CompiledRule[]>();
  for (const rule of rules) {
    const derives = rule.prepared.derives;
    if (!derives) continue;
    for (const fact of Object.keys(derives))
      setters.set(fact, [...(setters.get(fact) ?? []), rule]);
  }
  for (const rule of rules) {
    for (const fact of factsRead(rule.conditions)) {
      const ruleSetsIt = (setters.get(fact) ?? []).includes(rule);
      for (const setter of setters.get(fact) ?? []) {
        if (setter === rule) continue;
        const conflict =
          setter.priority === rule.priority || (!ruleSetsIt && setter.priority < rule.priority);
        if (conflict) {
          problems.push({
            file: rule.file,
            path: `${rule.name}.priority`,
            code: 'priority-order',
            message: `rule ${rule.name} (priority ${rule.priority}) reads "${fact}", which rule ${setter.name} sets at priority ${setter.priority}; give ${rule.name} a priority below ${setter.priority}`,
          });
        }
      }
    }
  }
}

function factsRead(node: ConditionNode | TopLevelCondition): Set<string> {
  const found = new Set<string>();
  const walk = (current: ConditionNode): void => {
    if ('all' in current) current.all.forEach(walk);
    else if ('any' in current) current.any.forEach(walk);
    else if ('not' in current) walk(current.not);
    else found.add(current.fact);
  };
  walk(node);
  return found;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
