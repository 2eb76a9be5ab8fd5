/**
 * Every tariff component, in one list. A rule file names one by `code`; adding a component is
 * adding its file here (plus its locale strings and its README row). `npm run schema` then
 * regenerates the rule files' JSON Schema from this list.
 */
import { approvalLevel } from './approval-level';
import { assignTier } from './assign-tier';
import type { Component } from './component';
import { freeUsagePool } from './free-usage-pool';
import { monthlyCredit } from './monthly-credit';
import { overdraftMultiple } from './overdraft-multiple';
import { overdraftTerms } from './overdraft-terms';
import { percentOff } from './percent-off';
import { pointsMultiplier } from './points-multiplier';
import { pointsTerms } from './points-terms';
import { refuse } from './refuse';

export const COMPONENTS = [
  refuse,
  assignTier,
  percentOff,
  freeUsagePool,
  monthlyCredit,
  overdraftTerms,
  overdraftMultiple,
  pointsTerms,
  pointsMultiplier,
  approvalLevel,
] as const;

export type ComponentCode = (typeof COMPONENTS)[number]['code'];
export const COMPONENT_CODES: readonly ComponentCode[] = COMPONENTS.map(
  (component) => component.code,
);

const BY_CODE: ReadonlyMap<string, Component> = new Map(
  COMPONENTS.map((component) => [component.code, component]),
);

/** The component a rule's event names, or undefined for an unknown code. */
export function componentFor(code: string): Component | undefined {
  return BY_CODE.get(code);
}

/** Declared, not inferred: the explanation schema uses these, and the components' types use it. */
export function isComponentCode(code: string): boolean {
  return BY_CODE.has(code);
}

export function listComponentCodes(): string[] {
  return [...BY_CODE.keys()];
}

export * from './component';
