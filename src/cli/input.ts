/** Reading a JSON request for a command: a file, or standard input for `-`. */
import { readFileSync } from 'node:fs';
import { AppError } from '../errors';

/** Throws an invalid-input AppError naming the file or the JSON problem, never a raw error. */
export function readJsonInput(source: string, readStdin: () => string): unknown {
  let text: string;
  try {
    text = source === '-' ? readStdin() : readFileSync(source, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw AppError.invalidInput(
      [{ path: '(file)', message: `cannot read ${source}: ${reason}` }],
      `cannot read ${source}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw AppError.invalidInput([
      { path: '(request)', message: `not valid JSON: ${(error as Error).message}` },
    ]);
  }
}
