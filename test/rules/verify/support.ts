/**
 * The verifier's tests plant a defect in a copy of the frozen fixture rule set, as an analyst
 * would type it, and check what `verifyRuleSet` says: which rules, where (found in the text here,
 * independently of src/rules/positions.ts) and a witness that really breaks pricing.
 */
import { compileRuleSet, type RuleSet } from '../../../src/rules/compile';
import { readRuleSetDir } from '../../../src/rules/load';
import type { RuleSetSources } from '../../../src/rules/positions';
import { verifyRuleSet, type Finding, type Witness } from '../../../src/rules/verify';
import { copyRulesDir, editFile } from '../../support/rule-set-copy';
import { workedExample } from '../../support/tariff-book';

export interface Verified {
  ruleSet: RuleSet;
  sources: RuleSetSources;
  findings: Finding[];
}

/** The fixture with each `[file, from, to]` text replaced, compiled and verified. */
export function verifiedAfter(...edits: [file: string, from: string, to: string][]): Verified {
  const dir = copyRulesDir();
  for (const [file, from, to] of edits) editFile(dir, file, (text) => text.replace(from, to));
  return verifiedDir(dir);
}

export function verifiedDir(dir: string): Verified {
  const { snapshot, sources, problems } = readRuleSetDir(dir);
  const compiled = compileRuleSet(snapshot);
  if (problems.length > 0 || !compiled.ok)
    throw new Error(`the planted rule set does not compile: ${JSON.stringify(compiled)}`);
  return {
    ruleSet: compiled.ruleSet,
    sources,
    findings: verifyRuleSet(compiled.ruleSet, sources),
  };
}

/**
 * Line and column (1-based) of the first character after the last of `anchors`, each searched
 * after the one before, skipping blanks: where the value that follows them starts.
 */
export function valueAfter(text: string, ...anchors: string[]): { line: number; column: number } {
  let offset = 0;
  for (const anchor of anchors) {
    const found = text.indexOf(anchor, offset);
    if (found < 0) throw new Error(`${anchor} not found`);
    offset = found + anchor.length;
  }
  while (/\s/.test(text[offset]!)) offset += 1;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

/**
 * A full request that gives the rules the witness's facts: a worked example with the witness laid
 * over it. Handsets by model become the request's list, a bare handset count goes on one model,
 * and the quote date is the pricing context's.
 */
export function requestFor(
  witness: Witness,
  ruleSet: RuleSet,
): { request: Record<string, unknown>; context: { quoteDate?: string } } {
  const request = structuredClone(workedExample('ENT-0001').request);
  const { enterprise, handsets, handsetCount, quoteDate, ...rest } = witness as {
    enterprise?: Record<string, unknown>;
    handsets?: Record<string, number>;
    handsetCount?: number;
    quoteDate?: string;
    [fact: string]: unknown;
  };
  Object.assign(request, rest);
  request.enterprise = { ...(request.enterprise as object), ...enterprise };
  if (handsets) {
    request.handsets = Object.entries(handsets)
      .filter(([, quantity]) => quantity > 0)
      .map(([model, quantity]) => ({ model, quantity }));
  } else if (handsetCount !== undefined) {
    request.handsets =
      handsetCount > 0 ? [{ model: ruleSet.handsetModels[0], quantity: handsetCount }] : [];
  }
  return { request, context: quoteDate === undefined ? {} : { quoteDate } };
}
