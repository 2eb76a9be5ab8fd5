/**
 * `src/` compiled to plain JavaScript, for the tests that start the service or the `quote` command
 * as processes of their own. `npm start` and the `quote` bin run compiled JavaScript too (dist/).
 * Under tsx every process loaded the sources through its loader hooks, far more work than loading
 * JavaScript, and the suites that start processes start dozens of them. swc compiles the sources
 * with jest's own options (jest.config.js), so a process runs the code the in-process tests run,
 * compiled afresh for each test file that asks.
 */
import { transformFileSync } from '@swc/core';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SOURCES = join(ROOT, 'src');

let compiled: string | undefined;

/**
 * The directory of the compiled copy, laid out as the checkout is (`src/`, with `rules/`,
 * `templates/` and `node_modules/` linked beside it), so paths the code finds from its own file
 * (`../../templates`) and the packages it requires resolve as from the sources.
 */
export function compiledCheckout(): string {
  if (compiled) return compiled;
  const root = mkdtempSync(join(tmpdir(), 'groupquote-compiled-'));
  process.once('exit', () => rmSync(root, { recursive: true, force: true }));
  for (const entry of readdirSync(SOURCES, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const source = join(entry.parentPath, entry.name);
    const target = join(root, 'src', relative(SOURCES, source)).replace(/\.ts$/, '.js');
    const { code } = transformFileSync(source, {
      jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
      module: { type: 'commonjs' },
      swcrc: false,
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  for (const linked of ['rules', 'templates', 'node_modules']) {
    symlinkSync(join(ROOT, linked), join(root, linked));
  }
  compiled = root;
  return root;
}

/** A module of `src/` (`serve/impact-worker`) as compiled JavaScript. */
export function compiledModule(path: string): string {
  return join(compiledCheckout(), 'src', `${path}.js`);
}
