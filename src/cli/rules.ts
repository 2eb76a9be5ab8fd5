/**
 * `quote rules validate [dir]` prints every problem and verifier finding of a rule directory at
 * its `file:line:column` (validate.ts; exit 1 on any problem or error); `quote rules schema
 * [--check]` regenerates the JSON Schemas in rules/schema/ for editors, or with --check exits 1
 * when one is stale.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { ruleCaseJsonSchema } from '../pricing/cases';
import { jsonSchemas } from '../rules/files';
import { DEFAULT_RULES_DIR } from '../rules/load';
import { EXIT_FAILED, EXIT_OK, type CliRun } from './usage';
import { validateRules } from './validate';

export function addRulesCommand(program: Command, run: CliRun): void {
  const rules = program.command('rules').description('check the rule files and their schemas');

  rules
    .command('validate')
    .description(
      "check a rule directory: its problems, then the verifier's findings, at file:line:column",
    )
    .argument('[dir]', 'the rule directory (default: RULES_DIR, else rules/)')
    .action(
      run.action(async (given: string | undefined) =>
        validateRules(run, given ?? (process.env.RULES_DIR || DEFAULT_RULES_DIR)),
      ),
    );

  rules
    .command('schema')
    .description('regenerate the JSON Schemas in rules/schema/ (or check them with --check)')
    .option('--check', 'write nothing; exit 1 if a schema is out of date')
    .action(
      run.action(async (options: { check?: boolean }) => {
        const dir = join(DEFAULT_RULES_DIR, 'schema');
        let stale = 0;
        mkdirSync(dir, { recursive: true });
        const schemas = { ...jsonSchemas(), 'cases.schema.json': ruleCaseJsonSchema() };
        for (const [name, schema] of Object.entries(schemas)) {
          const text = `${JSON.stringify(schema, null, 2)}\n`;
          const path = join(dir, name);
          if (readTextOrEmpty(path) === text) continue;
          stale += 1;
          if (options.check) run.io.err(`${path} is out of date: run npm run schema`);
          else {
            writeFileSync(path, text);
            run.io.out(`wrote ${path}`);
          }
        }
        return options.check && stale > 0 ? EXIT_FAILED : EXIT_OK;
      }),
    );
}

function readTextOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
