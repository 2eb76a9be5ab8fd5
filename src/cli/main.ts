#!/usr/bin/env node
/**
 * The `quote` command line: a thin layer over the same core the service uses. Commander parses
 * every command and writes its usage; usage.ts holds the one exit-code convention (0 done, 1
 * failed or refused, 2 bad usage or bad input). Errors are printed plainly, never a stack trace.
 */
import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { AppError, isAppError } from '../errors';
import { addAuditCommand } from './audit';
import { addHeadroomCommand } from './headroom';
import { addRulesetsImpactCommand } from './impact';
import { addPriceCommand } from './price';
import { addRenderCommand } from './render';
import { addRulesCommand } from './rules';
import { addRulesCoverageCommand } from './rules-coverage';
import { addRulesTestCommand } from './rules-test';
import { addRulesetsCommand } from './rulesets';
import { addUsersCommand } from './users';
import {
  CliRun,
  EXIT_FAILED,
  EXIT_USAGE,
  cliProgram,
  exitCodeOf,
  type CliIo,
  type ExitCode,
} from './usage';

export type { CliIo } from './usage';

const EPILOGUE = `
Exit codes: 0 done (for price, a refused quote is a result too), 1 failed or refused,
2 bad usage or bad input.
RULES_DIR sets the rule directory for every command (default: the repository's rules/).`;

/** Runs one `quote` command line (`argv` without node and the script) and gives its exit code. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const run = new CliRun(io);
  const program = cliProgram(io)
    .description('Exact, auditable quotes and PDF proposals for enterprise (group) mobile plans')
    .addHelpText('after', EPILOGUE);
  addPriceCommand(program, run);
  addRenderCommand(program, run);
  addHeadroomCommand(program, run);
  addRulesCommand(program, run);
  const rules = program.commands.find((command) => command.name() === 'rules')!;
  addRulesTestCommand(rules, run);
  addRulesCoverageCommand(rules, run);
  addRulesetsImpactCommand(addRulesetsCommand(program, run), run);
  addUsersCommand(program, run);
  addAuditCommand(program, run);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return run.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return exitCodeOf(error);
    if (isAppError(error)) {
      io.err(describeError(error));
      return error.kind === 'invalid-input' ? EXIT_USAGE : EXIT_FAILED;
    }
    io.err(`error: ${(error as Error).message}`);
    return EXIT_FAILED;
  }
}

function describeError(error: AppError): string {
  if (error.details.issues?.length) {
    return [
      'invalid request:',
      ...error.details.issues.map((issue) => `  ${issue.path}: ${issue.message}`),
    ].join('\n');
  }
  return `error: ${error.message}`;
}

if (require.main === module) {
  void runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    readStdin: () => readFileSync(0, 'utf8'),
    ...(process.stderr.isTTY
      ? { progress: (line: string) => process.stderr.write(`\r${line}\x1b[K`) }
      : {}),
  }).then((code) => {
    process.exitCode = code;
  });
}
