/**
 * Proves, end to end, that the code's tests do not read the live `rules/`: copies the checkout
 * (node_modules linked), makes legitimate pricing edits in the copy's `rules/` — the key-tier
 * long-distance discount 35 → 40 %, the line fee 38.00 → 39.00, a cost — and runs there
 *   - `jest`, which must pass: the code's tests price with test/fixtures/rules/;
 *   - `quote rules test rules`, which must fail: the cases beside the rules are what speaks to it.
 * Exit 0 when both hold. `npm run test:fixture-independence [-- [--head] [jest options]]`: the
 * working tree as it is, or with --head the last commit (`git archive`), untouched by work in
 * progress. It runs the whole suite, so it takes as long as `npx jest`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { editFile } from './rule-set-copy';

const ROOT = join(__dirname, '..', '..');
const NOT_COPIED = new Set(['.git', 'node_modules', 'dist', 'data', 'coverage']);

/** Edits a pricing analyst could make, each changing figures of every worked example. */
const PRICING_EDITS: [file: string, from: string, to: string][] = [
  [
    'long-distance.rules.json',
    '"item": "LD_MIN", "percent": "35"',
    '"item": "LD_MIN", "percent": "40"',
  ],
  ['prices.json', '"unitPrice": "38.00"', '"unitPrice": "39.00"'],
  ['costs.json', '"LINE_FEE": "6.00"', '"LINE_FEE": "6.50"'],
];

function run(what: string, command: string, args: string[], cwd: string): number {
  console.log(`\n$ ${what}`);
  const result = spawnSync(command, args, { cwd, stdio: 'inherit', env: withoutRulesDir() });
  return result.status ?? 1;
}

/** The copy's own rules/ must be the default, whatever the caller's shell says. */
function withoutRulesDir(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.RULES_DIR;
  return env;
}

function main(): number {
  const copy = mkdtempSync(join(tmpdir(), 'gq-independence-'));
  try {
    const fromHead = process.argv[2] === '--head';
    if (fromHead) {
      const archive = execFileSync('git', ['archive', '--format=tar', 'HEAD'], {
        cwd: ROOT,
        maxBuffer: 1 << 30,
      });
      execFileSync('tar', ['-x', '-C', copy], { input: archive });
    } else {
      for (const entry of readdirSync(ROOT)) {
        if (!NOT_COPIED.has(entry))
          cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
      }
    }
    symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
    for (const [file, from, to] of PRICING_EDITS) {
      editFile(join(copy, 'rules'), file, (text) => text.replace(from, to));
      console.log(`edited rules/${file}: ${from} → ${to}`);
    }
    const bin = (name: string) => join(copy, 'node_modules', '.bin', name);
    const cases = run(
      'quote rules test rules',
      bin('tsx'),
      ['src/cli/main.ts', 'rules', 'test', 'rules'],
      copy,
    );
    const jest = run('jest', bin('jest'), process.argv.slice(fromHead ? 3 : 2), copy);
    const holds = jest === 0 && cases === 1;
    console.log(
      `\n${holds ? 'independent' : 'NOT independent'}: jest exited ${jest} (must be 0), ` +
        `quote rules test exited ${cases} (must be 1) with rules/ edited`,
    );
    return holds ? 0 : 1;
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

process.exitCode = main();
