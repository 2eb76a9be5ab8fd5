/**
 * `quote rules test [dir] [--cases dir]`: prices every rule case (`<dir>/cases/*.json`) with the
 * rule set in `dir` and prints each figure that did not come out as `case › path: expected X,
 * got Y`, then `N passed, N failed`. Exit 0 when every case passed; 1 when one failed, or the rule
 * set or the cases cannot be read; 2 for bad usage.
 */
import type { Command } from 'commander';
import { runRuleCases } from '../pricing/cases';
import { loadRuleSet } from '../rules/load';
import { caseDirOf, casesFor, ruleDirOf } from './rule-cases';
import { EXIT_FAILED, EXIT_OK, type CliRun } from './usage';

export function addRulesTestCommand(rules: Command, run: CliRun): void {
  rules
    .command('test')
    .description('price every rule case; print each figure that differs from what it expects')
    .argument('[dir]', 'the rule directory (default: RULES_DIR, else rules/)')
    .option('--cases <dir>', 'the case directory (default: <dir>/cases)')
    .action(
      run.action(async (given: string | undefined, options: { cases?: string }) => {
        const ruleDir = ruleDirOf(given);
        const ruleSet = loadRuleSet(ruleDir);
        const read = casesFor(caseDirOf(ruleDir, options.cases), run.io);
        if (!read) return EXIT_FAILED;
        const results = [...read.broken, ...(await runRuleCases(ruleSet, read.cases))].sort(
          (a, b) => (a.name < b.name ? -1 : 1),
        );
        const failed = results.filter((result) => result.failures.length > 0);
        for (const result of failed) {
          for (const failure of result.failures)
            run.io.out(`${result.name} › ${failure.path}: ${failure.message}`);
        }
        run.io.out(`${results.length - failed.length} passed, ${failed.length} failed`);
        return failed.length === 0 ? EXIT_OK : EXIT_FAILED;
      }),
    );
}
