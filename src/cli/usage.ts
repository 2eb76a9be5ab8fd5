/** How every command answers a call it cannot run: what was wrong, then its usage, exit code 2. */
import type { CliIo } from './main';

export const USAGE_EXIT_CODE = 2;

export function usageError(io: CliIo, usage: string, problem?: string): number {
  if (problem) io.err(problem);
  io.err(usage);
  return USAGE_EXIT_CODE;
}
