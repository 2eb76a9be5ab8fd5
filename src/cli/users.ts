/**
 * `quote users add --name NAME --role ROLE [--json]`: creates a user with a new bearer token and
 * prints the token once. Only the token's hash is stored, so it cannot be shown again; a lost
 * token means adding the user anew. `--json` prints `{id, name, role, createdAt, token}` for
 * scripts and tests. The database is the service's: DATABASE_URL, else GROUPQUOTE_DB, else
 * data/groupquote.sqlite.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { AppError, type FieldIssue } from '../errors';
import { describeStoreLocation, openStore, storeOptionsFromEnv } from '../store/open';
import { generateToken, hashToken } from '../store/tokens';
import type { CliCommand } from './main';
import { usageError } from './usage';
import { ROLES, type Role } from '../domain';

const USAGE = `usage:
  quote users add --name NAME --role ROLE [--json]
roles: ${ROLES.join(', ')}
database: DATABASE_URL (postgres://…), else GROUPQUOTE_DB (SQLite file), else data/groupquote.sqlite`;

export const usersCommand: CliCommand = async (args, io) => {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'add') return usageError(io, USAGE);
  let values: { name?: string; role?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { name: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean' } },
    }));
  } catch (error) {
    return usageError(io, USAGE, (error as Error).message);
  }

  const issues: FieldIssue[] = [];
  const name = values.name?.trim() ?? '';
  if (name === '') issues.push({ path: '--name', message: 'is required' });
  if (!ROLES.includes(values.role as Role)) {
    issues.push({ path: '--role', message: `must be one of ${ROLES.join(', ')}` });
  }
  if (issues.length > 0) throw AppError.invalidInput(issues);

  const options = storeOptionsFromEnv();
  const store = await openStore(options);
  try {
    const token = generateToken();
    const user = await store.createUser({
      id: randomUUID(),
      name,
      role: values.role as Role,
      tokenHash: hashToken(token),
      createdAt: new Date().toISOString(),
    });
    if (values.json) {
      io.out(JSON.stringify({ ...user, token }));
    } else {
      io.out(
        `created user ${user.id}: ${user.name} (${user.role}) in ${describeStoreLocation(options)}`,
      );
      io.out(`token (shown once, only its hash is stored): ${token}`);
    }
    return 0;
  } finally {
    await store.close();
  }
};
