import type { Problem } from '../problems';

/**
 * A value defined twice (a tier, an item code, a rule name). `files` gives each value's file when
 * the values come from several files (rule names), and the problem is then placed at the value.
 */
export function duplicates(
  values: readonly string[],
  where: { file: string; path: string; what: string; files?: readonly string[] },
): Problem[] {
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  values.forEach((value, index) => {
    const first = seen.get(value);
    if (first === undefined) {
      seen.set(value, index);
      return;
    }
    problems.push({
      file: where.files?.[index] ?? where.file,
      path: where.files ? value : `${where.path}.${index}`,
      code: 'duplicate',
      message: `${where.what} "${value}" is defined twice${where.files ? ` (also in ${where.files[first]})` : ''}`,
    });
  });
  return problems;
}
