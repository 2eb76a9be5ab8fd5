/**
 * `quote users add --name NAME --role ROLE [--json]`: creates a user with a new bearer token and
 * prints the token once. Only the token's hash is stored, so it cannot be shown again; a lost
 * token means adding the user anew. `--json` prints `{id, name, role, createdAt, token}` for
 * scripts and tests. The database is the service's: DATABASE_URL, else GROUPQUOTE_DB, else
 * data/groupquote.sqlite.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { ROLES, emailAddress, phoneNumber, type Role } from '../domain';
import { describeStoreLocation, openStore, storeOptionsFromEnv } from '../store/open';
import { generateToken, hashToken } from '../store/tokens';
import { EXIT_OK, usageError, type CliRun } from './usage';

export const DATABASE_HELP = `
database: DATABASE_URL (postgres://…), else GROUPQUOTE_DB (SQLite file), else data/groupquote.sqlite`;

interface AddUserOptions {
  name?: string;
  role?: string;
  json?: boolean;
}

export function addUsersCommand(program: Command, run: CliRun): void {
  const users = program
    .command('users')
    .description('manage the service users')
    .addHelpText('after', DATABASE_HELP);

  users
    .command('add')
    .description('create a service user and print its token once')
    .option('--name <name>', 'who the user is')
    .option('--role <role>', `one of ${ROLES.join(', ')}`)
    .option('--json', 'print {id, name, role, createdAt, token} for scripts')
    .addHelpText('after', DATABASE_HELP)
    .action(
      run.action(async (options: AddUserOptions, command: Command) => {
        // Both options are checked before answering, so one call names every problem.
        const problems: string[] = [];
        const name = options.name?.trim() ?? '';
        if (name === '') problems.push('--name: is required');
        if (!ROLES.includes(options.role as Role)) {
          problems.push(`--role: must be one of ${ROLES.join(', ')}`);
        }
        if (problems.length > 0) usageError(command, problems.join('\n       '));

        const storeOptions = storeOptionsFromEnv();
        const store = await openStore(storeOptions);
        try {
          const token = generateToken();
          const user = await store.createUser({
            id: randomUUID(),
            name,
            role: options.role as Role,
            tokenHash: hashToken(token),
            createdAt: new Date().toISOString(),
          });
          if (options.json) {
            run.io.out(JSON.stringify({ ...user, token }));
          } else {
            run.io.out(
              `created user ${user.id}: ${user.name} (${user.role}) in ${describeStoreLocation(storeOptions)}`,
            );
            run.io.out(`token (shown once, only its hash is stored): ${token}`);
          }
          return EXIT_OK;
        } finally {
          await store.close();
        }
      }),
    );

  users
    .command('contact')
    .description('set the phone and e-mail a user\'s proposals print ("" clears one)')
    .argument('<id>', 'the user id')
    .option('--phone <phone>', 'e.g. "+86 10 6666 8888"')
    .option('--email <email>', 'e.g. wang.fang@example.cn')
    .addHelpText('after', DATABASE_HELP)
    .action(
      run.action(async (id: string, options: ContactOptions, command: Command) => {
        const problems: string[] = [];
        const field = (name: 'phone' | 'email', schema: typeof phoneNumber) => {
          const value = options[name];
          if (value === undefined) return undefined;
          if (value.trim() === '') return null;
          const parsed = schema.safeParse(value);
          if (parsed.success) return parsed.data;
          problems.push(`--${name}: ${parsed.error.issues[0]!.message}`);
          return undefined;
        };
        const phone = field('phone', phoneNumber);
        const email = field('email', emailAddress);
        if (options.phone === undefined && options.email === undefined) {
          problems.push('give --phone, --email or both');
        }
        if (problems.length > 0) usageError(command, problems.join('\n       '));
        const store = await openStore(storeOptionsFromEnv());
        try {
          const user = await store.changeUserContact({
            id,
            ...(phone !== undefined ? { phone } : {}),
            ...(email !== undefined ? { email } : {}),
            actorId: null,
            now: new Date().toISOString(),
          });
          run.io.out(
            `${user.name} (${user.id}): phone ${user.phone ?? '—'}, e-mail ${user.email ?? '—'}`,
          );
          return EXIT_OK;
        } finally {
          await store.close();
        }
      }),
    );
}

interface ContactOptions {
  phone?: string;
  email?: string;
}
