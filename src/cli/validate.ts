/**
 * `quote rules validate [dir]`: first what compiling finds, each problem as
 * `file:line:column: path: message`; then, when the set compiles, what the verifier finds about
 * all requests at once (src/rules/verify/), each as `file:line:column: severity: message (rules
 * …)` with a request that shows it. Exit 1 on a problem or an error; warnings alone exit 0.
 */
import { compileRuleSet, type Problem } from '../rules/compile';
import { formatProblem, readRuleSetDir } from '../rules/load';
import { RuleSetPositions } from '../rules/positions';
import { formatFinding, verifyRuleSet } from '../rules/verify';
import { EXIT_FAILED, EXIT_OK, type CliRun, type ExitCode } from './usage';

export function validateRules(run: CliRun, dir: string): ExitCode {
  const { snapshot, sources, problems: unread } = readRuleSetDir(dir);
  const compiled = compileRuleSet(snapshot);
  const problems = [...unread, ...(compiled.ok ? [] : compiled.problems)];
  const positions = new RuleSetPositions(sources);
  for (const problem of problems) run.io.out(formatProblemAt(problem, positions));
  if (problems.length > 0 || !compiled.ok) {
    run.io.err(`${problems.length} problem(s) in ${dir}`);
    return EXIT_FAILED;
  }
  const { ruleSet } = compiled;
  const findings = verifyRuleSet(ruleSet, sources);
  for (const finding of findings) run.io.out(formatFinding(finding));
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  const warnings = findings.length - errors;
  if (errors > 0) {
    run.io.err(`${errors} error(s), ${warnings} warning(s) in ${dir}`);
    return EXIT_FAILED;
  }
  const ruleCount = ruleSet.rulesByPhase.offer.length + ruleSet.rulesByPhase.approval.length;
  const warned = warnings > 0 ? `, ${warnings} warning(s)` : '';
  run.io.out(`ok: ${dir} (${ruleCount} rules, hash ${ruleSet.hash}${warned})`);
  return EXIT_OK;
}

/**
 * `file:line:column: path: message`: the path as before (it says which rule and field), the
 * position for an editor to jump to. A file that is not JSON is placed where it stops being JSON;
 * a problem with no file of its own (a missing file) keeps `file: path: message`.
 */
export function formatProblemAt(problem: Problem, positions: RuleSetPositions): string {
  const position = positions.ofProblem(problem);
  if (!position) return formatProblem(problem);
  return `${problem.file}:${position.line}:${position.column}: ${problem.path || '(file)'}: ${problem.message}`;
}
