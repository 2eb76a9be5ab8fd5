/**
 * Imports between the folders of src/ point one way: domain ← money ← rules ← pricing ← quotes ←
 * http, cli ← serve. A cycle between two folders (or a file directly in src/) fails here, so it
 * cannot land; so does an import into src/domain from anywhere else in src/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';

const SRC = join(__dirname, '..', 'src');
const IMPORT =
  /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The top-level folder of src/ a file is in, or the file's own name for a file directly in src/. */
function folderOf(path: string): string {
  const parts = relative(SRC, path).split(sep);
  return parts.length > 1 ? parts[0]! : parts[0]!.replace(/\.ts$/, '');
}

/** Edges between folders: `from → to` with one file that makes each. */
function folderEdges(files: readonly string[]): Map<string, Map<string, string>> {
  const edges = new Map<string, Map<string, string>>();
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = normalize(join(dirname(file), match[1] ?? match[2]!));
      if (!target.startsWith(SRC + sep)) continue;
      const from = folderOf(file);
      const to = folderOf(target.endsWith('.ts') ? target : `${target}.ts`);
      if (from === to) continue;
      if (!edges.has(from)) edges.set(from, new Map());
      const targets = edges.get(from)!;
      if (!targets.has(to)) targets.set(to, relative(SRC, file));
    }
  }
  return edges;
}

/** Every cycle, each as the folders along it (first folder repeated at the end), found by depth-first search. */
function cyclesIn(edges: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (folder: string): void => {
    const at = path.indexOf(folder);
    if (at >= 0) {
      cycles.push([...path.slice(at), folder]);
      return;
    }
    if (done.has(folder)) return;
    path.push(folder);
    for (const next of edges.get(folder)?.keys() ?? []) visit(next);
    path.pop();
    done.add(folder);
  };
  for (const folder of [...edges.keys()].sort()) visit(folder);
  return cycles;
}

describe('imports between src/ folders', () => {
  const edges = folderEdges(sourceFiles(SRC));

  it('form no cycle', () => {
    const described = cyclesIn(edges).map((cycle) =>
      cycle
        .slice(1)
        .map((to, index) => `${cycle[index]} → ${to} (${edges.get(cycle[index]!)!.get(to)})`)
        .join(', '),
    );
    expect(described).toEqual([]);
  });

  it('leave the domain vocabulary importing nothing else from src/', () => {
    expect([...(edges.get('domain')?.entries() ?? [])]).toEqual([]);
  });

  it('are seen by the check: a planted cycle is reported', () => {
    const planted = new Map([
      ['rules', new Map([['pricing', 'rules/compile.ts']])],
      ['pricing', new Map([['rules', 'pricing/price.ts']])],
    ]);
    expect(cyclesIn(planted)).toEqual([['pricing', 'rules', 'pricing']]);
    expect(edges.get('pricing')?.has('rules')).toBe(true);
  });
});
