/**
 * What the tariff declares but no rule uses: a tier no rule assigns or reads (a new tier that
 * half the tariff ignores quotes without discounts or points), a customer fact or option no rule
 * reads and no price-list item counts, a product (an item a request opts into) no rule reads or
 * targets. Warnings: the rule set works, but probably not as meant.
 */
import type { CompiledRule, RuleSet } from '../compile';
import { TARIFF_FILE, PRICES_FILE } from '../compile';
import { listed, names, type LocatedFinding } from './finding';
import { forEachLeaf, PHASES, variableOf } from './space';

/**
 * Customer facts the proposal and deal sheet show (src/proposals/view.ts): declared for the
 * documents, so no rule need read them.
 */
const SHOWN_ON_DOCUMENTS: ReadonlySet<string> = new Set(['industry', 'purchasing']);

export function unusedDeclarations(ruleSet: RuleSet): LocatedFinding[] {
  const rules = PHASES.flatMap((phase) => ruleSet.rulesByPhase[phase]);
  const read = readValues(rules);
  return [...unusedTiers(ruleSet, rules, read), ...unusedFacts(ruleSet, rules, read)];
}

/** Every variable a condition reads, with the constants it is compared with. */
function readValues(rules: readonly CompiledRule[]): Map<string, unknown[]> {
  const read = new Map<string, unknown[]>();
  for (const rule of rules) {
    forEachLeaf(rule.conditions, (leaf) => {
      const variable = variableOf(leaf);
      const values = Array.isArray(leaf.value) ? leaf.value : [leaf.value];
      read.set(variable, [...(read.get(variable) ?? []), ...values]);
    });
  }
  return read;
}

function unusedTiers(
  ruleSet: RuleSet,
  rules: readonly CompiledRule[],
  read: ReadonlyMap<string, unknown[]>,
): LocatedFinding[] {
  const findings: LocatedFinding[] = [];
  const tierValues = read.get('tier') ?? [];
  ruleSet.tariff.tiers.forEach(({ code }, index) => {
    const setters = rules.filter((rule) => rule.prepared.derives?.tier === code);
    const where = { file: TARIFF_FILE, path: `tiers.${index}.code`, severity: 'warning' } as const;
    if (setters.length === 0) {
      findings.push({
        ...where,
        code: 'unused-tier',
        rules: [],
        message: `tier ${code}: no rule assigns it, so no quote can have it`,
        text: { key: 'verifier.tierNeverAssigned', params: { tier: code } },
      });
    } else if (!tierValues.includes(code)) {
      findings.push({
        ...where,
        code: 'unused-tier',
        rules: setters.map((rule) => rule.name),
        message: `tier ${code}: ${listed(setters.map((rule) => rule.name))} assign${setters.length === 1 ? 's' : ''} it, but no rule reads it: a ${code} customer gets no tier discount, free pool or benefit`,
        text: {
          key: 'verifier.tierNeverRead',
          params: { tier: code, rules: names(setters.map((rule) => rule.name)) },
        },
      });
    }
  });
  return findings;
}

function unusedFacts(
  ruleSet: RuleSet,
  rules: readonly CompiledRule[],
  read: ReadonlyMap<string, unknown[]>,
): LocatedFinding[] {
  const findings: LocatedFinding[] = [];
  const counted = new Map<string, string[]>();
  for (const item of ruleSet.items) {
    const quantity = item.quantity as { onlyIf?: string; option?: string };
    for (const option of [quantity.onlyIf, quantity.option])
      if (option !== undefined) counted.set(option, [...(counted.get(option) ?? []), item.code]);
  }
  ruleSet.tariff.customerFacts.forEach((fact, index) => {
    if (read.has(`enterprise.${fact.name}`) || SHOWN_ON_DOCUMENTS.has(fact.name)) return;
    findings.push({
      file: TARIFF_FILE,
      path: `customerFacts.${index}.name`,
      severity: 'warning',
      code: 'unused-fact',
      rules: [],
      message: `customer fact ${fact.name}: no rule reads it, so it changes no quote; a rule reads it with "fact": "enterprise", "path": "$.${fact.name}"`,
      text: { key: 'verifier.unusedFact', params: { fact: fact.name } },
    });
  });
  ruleSet.tariff.options.forEach((option, index) => {
    const items = counted.get(option.name) ?? [];
    if (read.has(option.name)) return;
    if (items.length === 0) {
      findings.push({
        file: TARIFF_FILE,
        path: `options.${index}.name`,
        severity: 'warning',
        code: 'unused-fact',
        rules: [],
        message: `option ${option.name}: no rule reads it and no price-list item counts it`,
        text: { key: 'verifier.unusedOption', params: { option: option.name } },
      });
      return;
    }
    // A product the request opts into: unread and untargeted, it is sold at list to every tier.
    for (const code of items) {
      const item = ruleSet.items.find((entry) => entry.code === code)!;
      const targeted = rules.some(
        (rule) =>
          rule.event.params.item === code ||
          (rule.event.params.item === undefined && rule.event.params.category === item.category),
      );
      if (targeted) continue;
      findings.push({
        file: PRICES_FILE,
        path: `items.${priceListIndex(ruleSet, code)}.code`,
        severity: 'warning',
        code: 'unused-product',
        rules: [],
        message: `product ${code} (option ${option.name}): no rule reads the option or targets the item, so every tier pays list price for it`,
        text: { key: 'verifier.unusedProduct', params: { product: code, option: option.name } },
      });
    }
  });
  return findings;
}

function priceListIndex(ruleSet: RuleSet, code: string): number {
  const prices = ruleSet.snapshot.files[PRICES_FILE] as { items?: { code?: unknown }[] };
  return prices.items?.findIndex((item) => item.code === code) ?? -1;
}
