/**
 * `src/` compiled to plain JavaScript, for the tests that start the service or the `quote` command
 * as processes of their own. `npm start` and the `quote` bin run compiled JavaScript too (dist/).
 * Under tsx every process loaded the sources through its loader hooks, far more work than loading
 * JavaScript, and the suites that start processes start dozens of them. swc compiles the sources
 * with jest's own options (jest.config.js), so a process runs the code the in-process tests run.
 */
import { transformFileSync, version as swcVersion } from '@swc/core';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const SOURCES = join(ROOT, 'src');
/** Beside the other tools' caches: it goes with node_modules, and git never sees it. */
const CACHE = join(ROOT, 'node_modules', '.cache', 'groupquote-compiled');
/** A compiled copy older than this, of sources that have since changed, is removed. */
const STALE_MS = 60 * 60 * 1000;

function sourceFiles(): string[] {
  return readdirSync(SOURCES, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/**
 * The directory of the compiled copy of the sources as they are now, laid out as the checkout is
 * (`src/`, with `rules/`, `templates/` and `node_modules/` linked beside it), so paths the code
 * finds from its own file (`../../templates`) and the packages it requires resolve as from the
 * sources. It is named by the sources' contents: test files, jest workers and runs share it until
 * a source changes, and two that compile it at once each finish their own before one is kept.
 */
export function compiledCheckout(): string {
  const files = sourceFiles();
  const hash = createHash('sha256').update(swcVersion);
  for (const file of files)
    hash.update(relative(SOURCES, file)).update('\0').update(readFileSync(file));
  const key = hash.digest('hex').slice(0, 16);
  const root = join(CACHE, key);
  if (existsSync(root)) return root;

  const building = `${root}.${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  for (const source of files) {
    const target = join(building, 'src', relative(SOURCES, source)).replace(/\.ts$/, '.js');
    const { code } = transformFileSync(source, {
      jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
      module: { type: 'commonjs' },
      swcrc: false,
    });
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, code);
  }
  for (const linked of ['rules', 'templates', 'node_modules']) {
    symlinkSync(join(ROOT, linked), join(building, linked));
  }
  try {
    renameSync(building, root);
  } catch (error) {
    // Another worker kept its copy first; the two are the same.
    if (!existsSync(root)) throw error;
    rmSync(building, { recursive: true, force: true });
  }
  for (const other of readdirSync(CACHE)) {
    const path = join(CACHE, other);
    try {
      if (other !== key && Date.now() - statSync(path).mtimeMs > STALE_MS) {
        rmSync(path, { recursive: true, force: true });
      }
    } catch {
      // removed meanwhile by another worker
    }
  }
  return root;
}

/** A module of `src/` (`serve/impact-worker`) as compiled JavaScript. */
export function compiledModule(path: string): string {
  return join(compiledCheckout(), 'src', `${path}.js`);
}
