#!/usr/bin/env node
/**
 * The `quote` command line: a thin layer over the same core the service uses.
 * Exit codes: 0 done (an ineligible quote is a result, so 0 too), 1 rule-set problems or failure,
 * 2 invalid input or usage.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError, isAppError } from '../errors';
import { priceQuote } from '../pricing/price';
import { jsonSchemas } from '../rules/files';
import { DEFAULT_RULES_DIR, formatProblem, loadRuleSet, validateRuleSetDir } from '../rules/load';
import { auditCommand } from './audit';
import { renderCommand } from './render';
import { readJsonInput } from './input';
import { formatQuoteTable } from './table';
import { usersCommand } from './users';
import { usageError } from './usage';

const USAGE = `usage:
  quote price <request.json|-> [--format json|table] [--rules <dir>]
  quote render <request.json|-> --out <file.pdf> [--lang zh-CN|en] [--deal-sheet] [--number Q-YYYY-NNNNNN] [--manager NAME] [--date YYYY-MM-DD] [--rules <dir>]
  quote rules validate [dir]
  quote rules schema [--check]
  quote users add --name NAME --role ROLE [--json]
  quote audit verify`;

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  readStdin: () => string;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

const commands: Record<string, CliCommand> = {
  price: priceCommand,
  render: renderCommand,
  rules: rulesCommand,
  users: usersCommand,
  audit: auditCommand,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) return usageError(io, USAGE);
  try {
    return await command(rest, io);
  } catch (error) {
    if (isAppError(error)) {
      io.err(describeError(error));
      return error.kind === 'invalid-input' ? 2 : 1;
    }
    io.err(`error: ${(error as Error).message}`);
    return 1;
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

async function priceCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { format: { type: 'string', default: 'json' }, rules: { type: 'string' } },
  });
  const source = positionals[0];
  if (!source || !['json', 'table'].includes(values.format)) return usageError(io, USAGE);
  const request = readJsonInput(source, io.readStdin);
  const quote = await priceQuote(loadRuleSet(values.rules), request);
  io.out(values.format === 'table' ? formatQuoteTable(quote) : JSON.stringify(quote, null, 2));
  return 0;
}

async function rulesCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === 'validate') {
    const dir = rest[0] ?? (process.env.RULES_DIR || DEFAULT_RULES_DIR);
    const problems = validateRuleSetDir(dir);
    for (const problem of problems) io.out(formatProblem(problem));
    if (problems.length > 0) {
      io.err(`${problems.length} problem(s) in ${dir}`);
      return 1;
    }
    const ruleSet = loadRuleSet(dir);
    io.out(
      `ok: ${dir} (${ruleSet.rulesByPhase.offer.length + ruleSet.rulesByPhase.approval.length} rules, hash ${ruleSet.hash})`,
    );
    return 0;
  }
  if (sub === 'schema') {
    const check = rest.includes('--check');
    const dir = join(DEFAULT_RULES_DIR, 'schema');
    let stale = 0;
    mkdirSync(dir, { recursive: true });
    for (const [name, schema] of Object.entries(jsonSchemas())) {
      const text = `${JSON.stringify(schema, null, 2)}\n`;
      const path = join(dir, name);
      if (readTextOrEmpty(path) === text) continue;
      stale += 1;
      if (check) io.err(`${path} is out of date: run npm run schema`);
      else {
        writeFileSync(path, text);
        io.out(`wrote ${path}`);
      }
    }
    return check && stale > 0 ? 1 : 0;
  }
  return usageError(io, USAGE);
}

function readTextOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    readStdin: () => readFileSync(0, 'utf8'),
  }).then((code) => {
    process.exitCode = code;
  });
}
