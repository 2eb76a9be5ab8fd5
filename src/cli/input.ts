/** Reading a JSON request for a command: a file, or standard input for `-`. */
import { readFileSync } from 'node:fs';
import { AppError } from '../errors';

/** A request's JSON as written, and as parsed. */
export interface JsonInput {
  text: string;
  value: unknown;
}

/** Throws an invalid-input AppError naming the file or the JSON problem, never a raw error. */
export function readJsonInput(source: string, readStdin: () => string): unknown {
  return readJsonSource(source, readStdin).value;
}

/** The same, with the text as written (a request's numbers are checked against it). */
export function readJsonSource(source: string, readStdin: () => string): JsonInput {
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
    return { text, value: JSON.parse(text) };
  } catch (error) {
    throw AppError.invalidInput([
      { path: '(request)', message: `not valid JSON: ${(error as Error).message}` },
    ]);
  }
}
