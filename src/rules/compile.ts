/**
 * Turns the parsed files of a rule set into a validated, ready-to-run RuleSet, or a list of
 * problems. Pure: the loader (load.ts) does the file reading. Zod judges each file's structure
 * (files.ts); the checks under checks/ judge what only the whole set can tell: prices against
 * costs, conditions against facts, events against the catalogue and their phase, priority order.
 */
import { canonicalJson, sha256Hex } from '../hashing';
import { checkConditions } from './checks/conditions';
import { checkDeclarations } from './checks/declarations';
import { checkEvent } from './checks/events';
import { checkPriceList, type PricedItemDefinition } from './checks/price-list';
import { checkDerivedFactOrder } from './checks/priority-order';
import { duplicates } from './checks/unique';
import type { Component, PreparedEvent, TariffCatalogue } from './components';
import { factCatalogue, type FactVocabulary, type Phase } from './facts';
import {
  costsFileSchema,
  pricesFileSchema,
  ruleFileSchema,
  tariffFileSchema,
  type RuleEvent,
  type RuleFile,
  type TariffFile,
  type TopLevelCondition,
} from './files';
import { parseFileContent, type Problem } from './problems';
import { buildRequestSchema, type QuoteRequestSchema } from './request';

export type { PricedItemDefinition } from './checks/price-list';
export type { Problem, ProblemCode } from './problems';

/** What a rule set is made of: each file's parsed JSON by file name. Hashed, stored and replayed as is. */
export interface RuleSetSnapshot {
  files: Record<string, unknown>;
}

export interface CompiledRule {
  name: string;
  description?: string;
  priority: number;
  /** The quote dates (China, inclusive) the rule applies on; always, when neither is given. */
  validFrom?: string;
  validTo?: string;
  conditions: TopLevelCondition;
  event: RuleEvent;
  /** The component the event names, and the event with its params parsed by it. */
  component: Component;
  prepared: PreparedEvent;
  file: string;
  /** Position across the whole set, for a deterministic order of firings within one priority. */
  order: number;
}

export interface RuleSet {
  hash: string;
  snapshot: RuleSetSnapshot;
  tariff: TariffFile;
  items: readonly PricedItemDefinition[];
  /** Price-list items sold as handsets, which requests name by model. */
  handsetModels: readonly string[];
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
  const files = snapshot.files;
  const problems: Problem[] = unknownFiles(files);
  const parse = <T>(name: string, parsed: { data: T | undefined; problems: Problem[] }) => {
    problems.push(...parsed.problems);
    return parsed.data;
  };
  const required = (name: string) => {
    if (name in files) return true;
    problems.push({
      file: name,
      path: '',
      code: 'missing-file',
      message: `${name} is missing from the rule set`,
    });
    return false;
  };
  const tariff = required(TARIFF_FILE)
    ? parse(TARIFF_FILE, parseFileContent(TARIFF_FILE, files[TARIFF_FILE], tariffFileSchema))
    : undefined;
  const prices = required(PRICES_FILE)
    ? parse(PRICES_FILE, parseFileContent(PRICES_FILE, files[PRICES_FILE], pricesFileSchema))
    : undefined;
  const costs = required(COSTS_FILE)
    ? parse(COSTS_FILE, parseFileContent(COSTS_FILE, files[COSTS_FILE], costsFileSchema))
    : undefined;

  const ruleFileNames = Object.keys(files)
    .filter((name) => name.endsWith(RULE_FILE_SUFFIX))
    .sort();
  if (ruleFileNames.length === 0) {
    problems.push({
      file: `*${RULE_FILE_SUFFIX}`,
      path: '',
      code: 'missing-file',
      message: 'a rule set needs at least one rule file',
    });
  }
  // Every rule file's structure is checked even when the other files failed: one run reports
  // as much as it can.
  const ruleFiles = ruleFileNames.flatMap((name) => {
    const content = parse(name, parseFileContent(name, files[name], ruleFileSchema));
    return content ? [{ name, content }] : [];
  });
  if (!tariff || !prices || !costs) return { ok: false, problems: byFile(problems) };

  const tierCodes = tariff.tiers.map((tier) => tier.code);
  problems.push(...duplicates(tierCodes, { file: TARIFF_FILE, path: 'tiers', what: 'tier' }));
  const priceList = checkPriceList(prices, costs, { prices: PRICES_FILE, costs: COSTS_FILE });
  problems.push(...priceList.problems);
  problems.push(...checkDeclarations(tariff, prices, { tariff: TARIFF_FILE, prices: PRICES_FILE }));
  const handsetModels = prices.items
    .filter((item) => item.quantity.basis === 'handsets')
    .map((item) => item.code);
  const facts: FactVocabulary = {
    tiers: tierCodes,
    handsetModels,
    customerFacts: tariff.customerFacts,
    options: tariff.options,
  };

  const catalogue: TariffCatalogue = {
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
  for (const { name, content } of ruleFiles)
    compiled.push(...compileRules(name, content, catalogue, facts, problems, compiled.length));

  problems.push(
    ...duplicates(
      compiled.map((rule) => rule.name),
      {
        file: '(rule set)',
        path: 'rules',
        what: 'rule name',
        files: compiled.map((rule) => rule.file),
      },
    ),
  );
  const rulesByPhase: Record<Phase, CompiledRule[]> = { offer: [], approval: [] };
  for (const rule of compiled) rulesByPhase[rule.component.phase].push(rule);
  for (const phase of ['offer', 'approval'] as const)
    problems.push(...checkDerivedFactOrder(rulesByPhase[phase]));

  if (problems.length > 0) return { ok: false, problems: byFile(problems) };
  return {
    ok: true,
    ruleSet: {
      hash: ruleSetHash(snapshot),
      snapshot,
      tariff,
      items: priceList.items,
      handsetModels,
      rulesByPhase,
      requestSchema: buildRequestSchema({
        contractTerms: tariff.contractTerms,
        handsetModels,
        customerFacts: tariff.customerFacts,
        options: tariff.options,
        itemCodes: prices.items.map((item) => item.code),
        categories: [...new Set(prices.items.map((item) => item.category))],
      }),
    },
  };
}

/** Problems file by file, each file's in the order they were found (stable sort). */
function byFile(problems: readonly Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

function unknownFiles(files: Record<string, unknown>): Problem[] {
  return Object.keys(files)
    .filter(
      (name) =>
        ![TARIFF_FILE, PRICES_FILE, COSTS_FILE].includes(name) && !name.endsWith(RULE_FILE_SUFFIX),
    )
    .map((name) => ({
      file: name,
      path: '',
      code: 'unknown-file',
      message: `not part of a rule set: expected ${TARIFF_FILE}, ${PRICES_FILE}, ${COSTS_FILE} or *${RULE_FILE_SUFFIX}`,
    }));
}

/** The rules of one structurally valid file that pass every check; the others' problems. */
function compileRules(
  file: string,
  content: RuleFile,
  catalogue: TariffCatalogue,
  vocabulary: FactVocabulary,
  problems: Problem[],
  orderStart: number,
): CompiledRule[] {
  const facts = factCatalogue(content.phase, vocabulary);
  const compiled: CompiledRule[] = [];
  content.rules.forEach((rule, index) => {
    const path = `rules.${index}`;
    const conditionProblems = checkConditions(file, rule.conditions, `${path}.conditions`, facts);
    const event = checkEvent(file, rule.event, `${path}.event`, content.phase, catalogue);
    const validityProblems =
      rule.validFrom !== undefined && rule.validTo !== undefined && rule.validFrom > rule.validTo
        ? [
            {
              file,
              path: `${path}.validTo`,
              code: 'invalid-value' as const,
              message: `ends (${rule.validTo}) before it starts (${rule.validFrom})`,
            },
          ]
        : [];
    problems.push(
      ...conditionProblems,
      ...validityProblems,
      ...('problems' in event ? event.problems : []),
    );
    if (conditionProblems.length > 0 || validityProblems.length > 0 || 'problems' in event) return;
    compiled.push({
      name: rule.name,
      ...(rule.description !== undefined ? { description: rule.description } : {}),
      priority: rule.priority,
      ...(rule.validFrom !== undefined ? { validFrom: rule.validFrom } : {}),
      ...(rule.validTo !== undefined ? { validTo: rule.validTo } : {}),
      conditions: rule.conditions,
      event: rule.event,
      component: event.component,
      prepared: event.prepared,
      file,
      order: orderStart + compiled.length,
    });
  });
  return compiled;
}
