// @ts-check
/**
 * Mutation testing of the pricing core (`npm run mutate`; README "Mutation testing"). StrykerJS 9
 * (10 needs Node 22) plants one bug at a time in the files below and runs, for each, only the jest
 * tests that cover it (per-test coverage), through the repo's own jest.config.js: @swc/jest, and
 * RULES_DIR pointing at the frozen test/fixtures/rules. Not part of `npm test`: a full run takes
 * tens of minutes on this 2-core machine.
 */
import { existsSync, lstatSync, mkdirSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The sandboxes live outside the checkout, so the linters and other work in the tree never see them.
const sandboxes = join(tmpdir(), 'groupquote-stryker');
// Stryker links a real node_modules folder into each sandbox but skips a symlinked one (a git
// worktree sharing the main checkout's), and the test runner then finds no jest. A link beside
// the sandboxes lets module resolution find the modules from inside any of them.
if (lstatSync('node_modules').isSymbolicLink()) {
  mkdirSync(sandboxes, { recursive: true });
  const shared = join(sandboxes, 'node_modules');
  if (!existsSync(shared)) symlinkSync(realpathSync('node_modules'), shared, 'dir');
}

// Every property test runs at most FC_RUNS random cases (test/support/arbitraries.ts); in
// `npm test` they run 300 to 2,000. A mutant that survives runs every test that reaches it
// again, properties included; the examples beside them pin every threshold. The test runners
// inherit this.
process.env.FC_RUNS ??= '40';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // The suites that test the mutated files; the rest (HTTP, PDF, databases) never reach a
    // mutant they could kill that these do not, and cost minutes per run. src/ is a root too,
    // though it holds no tests: --findRelatedTests follows imports only through files under the
    // roots, and without it a mutant in engine.ts or money.ts ran none of the pricing suites,
    // which reach those files through src/pricing/price.ts.
    config: {
      roots: [
        '<rootDir>/test/money',
        '<rootDir>/test/pricing',
        '<rootDir>/test/rules',
        '<rootDir>/src',
      ],
      // The rule-set verifier's suites test src/rules/verify, which is not mutated; they price
      // quotes only to confirm a finding, and cost a fifth of every surviving mutant's run.
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/rules/verify/'],
    },
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // A static mutant (one in code that runs when a module loads: zod schemas and their messages,
  // the component table, module constants) needs every test with a fresh module registry, about
  // 30 s each; there are some 600 of them, hours on this machine. They are left out of the run
  // and the score (reported as "Ignored"); code that runs inside a test is still mutated even
  // where it also runs at load.
  ignoreStatic: true,
  mutate: [
    'src/money/money.ts',
    'src/pricing/price.ts',
    'src/rules/components/*.ts',
    'src/rules/engine.ts',
    'src/rules/checks/*.ts',
    'src/rules/compile.ts',
    'src/rules/problems.ts',
  ],
  // No type checker: it works with TypeScript 6, but it type-checks the whole of src/ as the
  // sandbox copied it, so one file mid-edit elsewhere in the tree turned 784 mutants into
  // "compile errors"; and it takes one of the two cores from the test runners.
  concurrency: 2,
  // A mutant's run may take this much longer than the same tests took in the initial run before
  // it counts as a timeout (which Stryker scores as killed). The machine is shared: at 10 s and
  // the default factor of 1.5, runs slowed by other work were scored as timeouts, and each
  // restarted the test runner.
  timeoutMS: 60000,
  timeoutFactor: 3,
  // Reuses the results of mutants whose code and tests did not change; `npm run mutate -- --force`
  // runs every mutant again.
  incremental: true,
  incrementalFile: 'reports/mutation/stryker-incremental.json',
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  clearTextReporter: { allowColor: false, reportTests: false, reportMutants: false },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: sandboxes,
  ignorePatterns: ['/dist', '/data', '/coverage', '/reports', '/.scratch', '/templates'],
};
