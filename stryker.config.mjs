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
// `npm test` they run 300 to 2,000. Jest cannot bail, so every mutant, killed or not, runs every
// test that reaches it, properties included; the example tests pin every threshold and rounding
// step, and the properties still run. The test runners inherit this.
process.env.FC_RUNS ??= '10';
// A property that a mutant breaks fails at its first counterexample, without shrinking it: the
// run only needs to know that it failed, and shrinking took longer than the timeout.
process.env.FC_SHRINK ??= 'false';

// The suites each part of the core is tested by. A mutant's run loads every test file that
// imports the mutated file (--findRelatedTests) and runs only the tests that reached the mutant
// (per-test coverage); loading a file costs as much as many of its tests, so each part names
// the suites that test it and leaves out those that test other modules through it (rule cases,
// coverage, headroom, the request's text, the live rules/ and its CLI, the verifier).
const PRICING_SUITES = [
  'test/money/**/*.test.ts',
  'test/pricing/{core,boundaries,worked-examples,conflicts,adjustments,waterfall,validation,properties,component-contract}.test.ts',
  'test/rules/{engine,evaluate,declarations}.test.ts',
  'test/rules/components/**/*.test.ts',
];
// A component's cross-file check (an unknown item or tier) runs when a rule set compiles.
const COMPONENT_SUITES = [...PRICING_SUITES, 'test/rules/checks.test.ts'];
const RULE_SET_SUITES = [
  'test/rules/{checks,rule-files,declarations,engine}.test.ts',
  'test/rules/components/**/*.test.ts',
  'test/pricing/{core,conflicts,validation,adjustments}.test.ts',
];
/** @type {Array<[RegExp, string[]]>} */
const SUITES_BY_FILE = [
  [/^src\/rules\/components\//, COMPONENT_SUITES],
  [/^src\/(money|pricing)\/|^src\/rules\/(engine|evaluate)\.ts$/, PRICING_SUITES],
  [/^src\/rules\/(checks\/|compile\.ts$|problems\.ts$)/, RULE_SET_SUITES],
];

const MUTATE = [
  'src/money/money.ts',
  'src/pricing/price.ts',
  'src/rules/components/*.ts',
  'src/rules/engine.ts',
  'src/rules/evaluate.ts',
  'src/rules/checks/*.ts',
  'src/rules/compile.ts',
  'src/rules/problems.ts',
];

/**
 * What a run mutates: `--mutate` / `-m` on the command line (`npm run mutate -- --mutate
 * src/money/money.ts`, or a part of a file as `src/pricing/price.ts:1-230`; Stryker reads it
 * after this file, so it is read here too), else MUTATE.
 */
function mutateSpecs() {
  const args = process.argv;
  for (let index = 0; index < args.length; index += 1) {
    const [flag, inline] = args[index].split(/=(.*)/s);
    if (flag === '--mutate' || flag === '-m') return (inline ?? args[index + 1] ?? '').split(',');
  }
  return MUTATE;
}

const specs = mutateSpecs();
const testMatch = [
  ...new Set(
    specs.flatMap((spec) => {
      const file = spec.replace(/:[\d:-]+$/, '');
      const entry = SUITES_BY_FILE.find(([pattern]) => pattern.test(file));
      if (!entry) throw new Error(`stryker.config.mjs names no test suites for ${file}`);
      return entry[1];
    }),
  ),
].map((suite) => `<rootDir>/${suite}`);

// A run of one file, glob or part keeps its reports and its incremental results apart
// (reports/mutation/<file>/, `*` as `all`, `:1-230` as `-1-230`), so runs of different files
// can go on at once.
const reportDir =
  specs.length === 1 && specs !== MUTATE
    ? join(
        'reports/mutation',
        specs[0]
          .replace(/^src\//, '')
          .replace(/\.ts\b/, '')
          .replaceAll('*', 'all')
          .replaceAll(/[/:]/g, '-'),
      )
    : 'reports/mutation';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // The suites that test the mutated files (testMatch, above); the rest (HTTP, PDF, databases)
    // never reach a mutant they could kill that these do not, and cost minutes per run.
    config: {
      roots: ['<rootDir>/test'],
      testMatch,
      // node's environment, stopping a mutant's run at its first failing test (jest itself cannot
      // bail when Stryker drives it): a killed mutant then costs one failure, not every test.
      // It also records which file holds each test, and the sequencer then loads, for a
      // mutant, only the files holding a test that reaches it.
      testEnvironment: './test/support/mutation-environment.cjs',
      testSequencer: '<rootDir>/test/support/mutation-sequencer.cjs',
    },
    // Not --findRelatedTests: the sequencer picks a mutant's files by the tests that reach it,
    // without jest resolving every import of the tree for each mutant.
    enableFindRelatedTests: false,
  },
  coverageAnalysis: 'perTest',
  // A static mutant (one in code that runs when a module loads: zod schemas and their messages,
  // the component table, module constants) needs every test with a fresh module registry, about
  // 30 s each; there are some 600 of them, hours on this machine. They are left out of the run
  // and the score (reported as "Ignored"); code that runs inside a test is still mutated even
  // where it also runs at load.
  ignoreStatic: true,
  mutate: MUTATE,
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
  incrementalFile: join(reportDir, 'stryker-incremental.json'),
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: join(reportDir, 'index.html') },
  jsonReporter: { fileName: join(reportDir, 'mutation.json') },
  clearTextReporter: { allowColor: false, reportTests: false, reportMutants: false },
  thresholds: { high: 90, low: 85, break: null },
  tempDirName: sandboxes,
  // The locale files stay: a rule-set problem's words in other languages are tested with them.
  ignorePatterns: [
    '/dist',
    '/data',
    '/coverage',
    '/reports',
    '/.scratch',
    '/templates/*',
    '!/templates/locales',
  ],
};
