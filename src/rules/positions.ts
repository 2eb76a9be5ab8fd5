/**
 * Where a place in a rule file is in its text: `rules.3.conditions.all.0.value` → line 14,
 * column 42, so the command line (and an editor) can point at it. The snapshot holds parsed JSON
 * only — it is the rule set's identity and must not change with whitespace — so the loader keeps
 * each file's text beside it, and this module reads positions off that text with jsonc-parser's
 * parse tree, which gives every value its offset.
 */
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import type { Problem } from './problems';

/** The text of each file of a rule set, by file name, as it was read. */
export type RuleSetSources = Readonly<Record<string, string>>;

/** 1-based, as editors count. */
export interface Position {
  line: number;
  column: number;
}

const START: Position = { line: 1, column: 1 };

interface IndexedFile {
  root: Node | undefined;
  errors: ParseError[];
  lineStarts: number[];
}

/**
 * Positions in the files of one rule set. A path is the dotted path problems and findings carry;
 * one that does not reach a value (a missing key) is placed at the deepest value it does reach,
 * and a path that starts with a rule's name (`tier-key.priority`) at that rule.
 */
export class RuleSetPositions {
  readonly #sources: RuleSetSources;
  readonly #indexed = new Map<string, IndexedFile>();

  constructor(sources: RuleSetSources) {
    this.#sources = sources;
  }

  /** Whether the text of `file` is known, so that a position in it means something. */
  has(file: string): boolean {
    return Object.hasOwn(this.#sources, file);
  }

  /** The position of the value at `path` in `file` (or of its key, for an unknown key). */
  at(file: string, path: string, target: 'value' | 'key' = 'value'): Position {
    const indexed = this.#index(file);
    if (!indexed?.root) return START;
    const node = nodeAt(indexed.root, splitDotted(path), target);
    return positionOfOffset(indexed.lineStarts, node.offset);
  }

  /**
   * Where `file` stops being JSON, and what is wrong there (`CommaExpected`), when it does not
   * parse: JSON.parse only gives a character offset.
   */
  syntaxError(file: string): (Position & { error: string }) | undefined {
    const indexed = this.#index(file);
    const first = indexed?.errors[0];
    if (!indexed || !first) return undefined;
    return {
      ...positionOfOffset(indexed.lineStarts, first.offset),
      error: printParseErrorCode(first.error),
    };
  }

  /**
   * Where a problem is, for an editor to jump to: a file that is not JSON where it stops being
   * JSON, an unknown key at the key, anything else at its value. Undefined when the file's text
   * is not known (a missing file).
   */
  ofProblem(problem: Problem): Position | undefined {
    if (!this.has(problem.file)) return undefined;
    const syntax = problem.code === 'invalid-json' ? this.syntaxError(problem.file) : undefined;
    return (
      syntax ??
      this.at(problem.file, problem.path, /^unknown key/.test(problem.message) ? 'key' : 'value')
    );
  }

  #index(file: string): IndexedFile | undefined {
    const known = this.#indexed.get(file);
    if (known) return known;
    if (!this.has(file)) return undefined;
    const text = this.#sources[file]!;
    const errors: ParseError[] = [];
    const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
    const indexed = { root, errors, lineStarts: lineStarts(text) };
    this.#indexed.set(file, indexed);
    return indexed;
  }
}

function splitDotted(path: string): string[] {
  return path === '' ? [] : path.split('.');
}

function nodeAt(root: Node, segments: readonly string[], target: 'value' | 'key'): Node {
  let current = root;
  let property: Node | undefined;
  for (const [index, segment] of segments.entries()) {
    const next = child(current, segment) ?? (index === 0 ? ruleNamed(current, segment) : undefined);
    if (!next) return current;
    property = next.parent?.type === 'property' ? next.parent : undefined;
    current = next;
  }
  return target === 'key' && property?.children?.[0] ? property.children[0] : current;
}

/** The value under `segment`: an object's property by key, an array's element by index. */
function child(node: Node, segment: string): Node | undefined {
  if (node.type === 'object') {
    const property = node.children?.find((entry) => entry.children?.[0]?.value === segment);
    return property?.children?.[1];
  }
  if (node.type === 'array' && /^\d+$/.test(segment)) return node.children?.[Number(segment)];
  return undefined;
}

/** The rule called `name` in a rule file (`duplicate` and `priority-order` problems name rules). */
function ruleNamed(root: Node, name: string): Node | undefined {
  const rules = child(root, 'rules');
  return rules?.children?.find((rule) => {
    const nameNode = child(rule, 'name');
    return nameNode?.value === name;
  });
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let offset = 0; offset < text.length; offset += 1) {
    if (text[offset] === '\n') starts.push(offset + 1);
  }
  return starts;
}

function positionOfOffset(starts: readonly number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - starts[low]! + 1 };
}
