/**
 * One convention for every `quote` command: commander writes the usage and `--help`, and every
 * command ends with one of three exit codes — 0 done, 1 failed or refused, 2 bad usage or bad
 * input. Commander is kept from exiting the process and writes through the run's `CliIo`, so a
 * test sees the exit code and both outputs.
 */
import { Command, CommanderError } from 'commander';

export const EXIT_OK = 0;
/** A failure or a refusal: a broken rule set, an unreachable database, a broken audit chain. */
export const EXIT_FAILED = 1;
/** A call commander cannot parse, or input (an option's value, a request) that is not valid. */
export const EXIT_USAGE = 2;
export type ExitCode = typeof EXIT_OK | typeof EXIT_FAILED | typeof EXIT_USAGE;

/** Where a run of the command line writes, and how it reads `-` (standard input). */
export interface CliIo {
  /** One line (or several) of results; the newline is added. */
  out: (text: string) => void;
  /** One line (or several) of messages; the newline is added. */
  err: (text: string) => void;
  readStdin: () => string;
  /**
   * Redraws a one-line progress display in place; present only when standard error is a terminal,
   * so logs and pipes never fill with it. An empty line clears it.
   */
  progress?: (line: string) => void;
}

/** One run of the command line: its output, and the exit code its command ended with. */
export class CliRun {
  exitCode: ExitCode = EXIT_OK;

  constructor(readonly io: CliIo) {}

  /** A commander action that ends the run with the exit code the command returns. */
  action<Args extends unknown[]>(
    command: (...args: Args) => Promise<ExitCode>,
  ): (...args: Args) => Promise<void> {
    return async (...args) => {
      this.exitCode = await command(...args);
    };
  }
}

/**
 * The root `quote` command, set up so that every command made from it with `.command()` inherits
 * the same output, error handling and usage-after-error.
 */
export function cliProgram(io: CliIo): Command {
  return new Command('quote')
    .configureOutput({
      // Commander ends what it writes with a newline; CliIo adds its own.
      writeOut: (text) => io.out(withoutFinalNewline(text)),
      writeErr: (text) => io.err(withoutFinalNewline(text)),
    })
    .exitOverride()
    .showHelpAfterError();
}

/** The exit code for commander's own ending: 0 after `--help`, 2 for a call it could not parse. */
export function exitCodeOf(error: CommanderError): ExitCode {
  return error.exitCode === EXIT_OK ? EXIT_OK : EXIT_USAGE;
}

/** Ends a run as bad usage: the problem, then the command's usage, exit code 2. */
export function usageError(command: Command, problem: string): never {
  return command.error(`error: ${problem}`, { exitCode: EXIT_USAGE, code: 'quote.usage' });
}

function withoutFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
