/**
 * The only tests that read the live `rules/`. They check what the code generates or expects of
 * the files there — the JSON Schemas in rules/schema/ and every file's pointer to one — never
 * what the tariff prices: that is `quote rules test` (the cases in rules/cases/, run by `npm
 * test`), and every other test prices with the frozen test/fixtures/rules/.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleCaseJsonSchema } from '../../src/pricing/cases';
import { jsonSchemas } from '../../src/rules/files';
import { DEFAULT_RULES_DIR } from '../../src/rules/load';
import { runQuote } from '../support/cli';

const readJson = (...path: string[]) =>
  JSON.parse(readFileSync(join(DEFAULT_RULES_DIR, ...path), 'utf8')) as Record<string, unknown>;
const jsonFilesIn = (dir: string) =>
  readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name);

describe('the files in rules/', () => {
  it('have committed JSON Schemas that match the zod schemas (run `npm run schema` when this fails)', async () => {
    const schemas = { ...jsonSchemas(), 'cases.schema.json': ruleCaseJsonSchema() };
    for (const [name, schema] of Object.entries(schemas)) {
      expect({ name, schema: readJson('schema', name) }).toEqual({ name, schema });
    }
    expect(await runQuote('rules', 'schema', '--check')).toMatchObject({ code: 0, err: '' });
  });

  it('each point at their JSON Schema, so an editor checks them while typing', () => {
    const expectedSchema = (file: string) =>
      file.endsWith('.rules.json')
        ? './schema/rules.schema.json'
        : `./schema/${file.replace('.json', '.schema.json')}`;
    for (const file of jsonFilesIn(DEFAULT_RULES_DIR)) {
      expect({ file, $schema: readJson(file).$schema }).toEqual({
        file,
        $schema: expectedSchema(file),
      });
    }
    for (const file of jsonFilesIn(join(DEFAULT_RULES_DIR, 'cases'))) {
      expect({ file, $schema: readJson('cases', file).$schema }).toEqual({
        file,
        $schema: '../schema/cases.schema.json',
      });
    }
  });
});
