/**
 * A rule's event against the rule set: its component belongs in the file's phase, and what its
 * params name (an item, a category, a tier) exists in the tariff's other files.
 */
import type { Phase } from '../facts';
import {
  componentFor,
  type Component,
  type PreparedEvent,
  type TariffCatalogue,
} from '../components';
import type { RuleEvent } from '../files';
import type { Problem } from '../problems';

export function checkEvent(
  file: string,
  event: RuleEvent,
  path: string,
  phase: Phase,
  catalogue: TariffCatalogue,
): { component: Component; prepared: PreparedEvent } | { problems: Problem[] } {
  const component = componentFor(event.type);
  const problems: Problem[] = [];
  if (!component) {
    // The file's schema admits only registered components; this guards a caller that skipped it.
    return {
      problems: [
        {
          file,
          path: `${path}.type`,
          code: 'unknown-component',
          message: `unknown component "${event.type}"`,
        },
      ],
    };
  }
  if (component.phase !== phase) {
    problems.push({
      file,
      path: `${path}.type`,
      code: 'wrong-phase',
      message: `${component.code} belongs in a rule file of phase "${component.phase}", this file is "${phase}"`,
    });
  }
  const prepared = component.prepare(event.params);
  if (!prepared.success) {
    for (const issue of prepared.error.issues) {
      problems.push({
        file,
        path: [path, 'params', ...issue.path.map(String)].join('.'),
        code: 'invalid-params',
        message: `${component.code}: ${issue.message}`,
      });
    }
    return { problems };
  }
  for (const problem of prepared.event.check(catalogue))
    problems.push({
      file,
      path: `${path}.params.${problem.path}`,
      code: problem.code,
      message: problem.message,
    });
  return problems.length > 0 ? { problems } : { component, prepared: prepared.event };
}
