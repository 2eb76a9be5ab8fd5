/**
 * `quote rulesets …`: rule sets as governed versions (issue 13), over the service's store.
 *   push [DIR] --note TEXT       check (verifier and cases, as `rules test`) and store a draft;
 *                                prints its hash; refused (exit 1) with every problem named
 *   list · show HASH · diff A B  what is stored, one set, what changed in words
 *   publish HASH --note TEXT [--effective-from ISO]   make it live (or schedule it)
 *   rollback --note TEXT         republish the set that was live before
 *   cancel HASH --note TEXT      call off its scheduled publication before it takes effect
 *
 * Who acts: the user whose bearer token is in QUOTE_TOKEN (their role decides, as on the API);
 * without one, whoever has direct access to the store acts as `cli:<login>`, a pricing manager
 * (as `quote users` trusts whoever reaches the database). HASH may be a unique prefix of at least
 * 8 hex digits, or `live`. The database is the service's (DATABASE_URL, else GROUPQUOTE_DB).
 */
import { userInfo } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { isAppError } from '../errors';
import type { CaseFailure } from '../pricing/cases';
import type { Actor } from '../quotes/policy';
import type { Problem } from '../rules/compile';
import { readRuleSetDir } from '../rules/load';
import { RuleSetPositions } from '../rules/positions';
import { formatFinding, type Finding } from '../rules/verify';
import { formatDiff } from '../rulesets/diff';
import { RuleSetService } from '../rulesets/service';
import { AppError } from '../errors';
import { openStore, storeOptionsFromEnv } from '../store/open';
import { hashToken } from '../store/tokens';
import type { Publication, Store, StoredRuleSet } from '../store/types';
import { caseDirOf, casesFor, ruleDirOf } from './rule-cases';
import { table } from './table';
import { DATABASE_HELP } from './users';
import { EXIT_FAILED, EXIT_OK, type CliRun, type ExitCode } from './usage';
import { formatProblemAt } from './validate';

export const RULESETS_HELP = `${DATABASE_HELP}
who acts: the user of the bearer token in QUOTE_TOKEN; without one, cli:<login> with direct store access
HASH: a full hash, a unique prefix of 8 or more hex digits, or live`;

/** What a `rulesets` subcommand works with: the store, the acting user, the governance service. */
export interface RuleSetCommandContext {
  store: Store;
  actor: Actor;
  ruleSets: RuleSetService;
  /** A HASH argument (full, a unique prefix, or `live`) as the full hash of a stored set. */
  resolveHash(given: string): Promise<string>;
}

/**
 * Opens the service's store, works out who acts, runs `work` and closes the store. For every
 * `rulesets` subcommand, including ones added in other files (`impact`).
 */
export async function withRuleSetStore(
  work: (context: RuleSetCommandContext) => Promise<ExitCode>,
): Promise<ExitCode> {
  const store = await openStore(storeOptionsFromEnv());
  try {
    const actor = await actingUser(store);
    const ruleSets = new RuleSetService({ store });
    return await work({
      store,
      actor,
      ruleSets,
      resolveHash: (given) => resolveHash(store, given),
    });
  } finally {
    await store.close();
  }
}

/** Adds `quote rulesets` and its subcommands; returns the group, for more to be added to it. */
export function addRulesetsCommand(program: Command, run: CliRun): Command {
  const rulesets = program
    .command('rulesets')
    .description('rule sets as versions: push a draft, diff, publish, roll back')
    .addHelpText('after', RULESETS_HELP);

  rulesets
    .command('push')
    .description(
      'check a rule directory (verifier and cases) and store it as a draft; prints its hash',
    )
    .argument('[dir]', 'the rule directory (default: RULES_DIR, else rules/)')
    .option('--note <text>', 'why: kept with the draft and audited (required)')
    .option('--cases <dir>', 'the case directory (default: <dir>/cases)')
    .addHelpText('after', RULESETS_HELP)
    .action(
      run.action(async (given: string | undefined, options: { note?: string; cases?: string }) =>
        push(run, ruleDirOf(given), options),
      ),
    );

  rulesets
    .command('list')
    .description('every stored rule set, newest first, the live one marked')
    .option('--json', 'print them as JSON')
    .addHelpText('after', RULESETS_HELP)
    .action(
      run.action(async (options: { json?: boolean }) =>
        withRuleSetStore(async ({ actor, ruleSets }) => {
          const items = await ruleSets.list(actor);
          if (options.json) run.io.out(JSON.stringify(items, null, 2));
          else for (const line of listLines(items)) run.io.out(line);
          return EXIT_OK;
        }),
      ),
    );

  rulesets
    .command('show')
    .description('one rule set: its state, author, note, files and publications')
    .argument('<hash>', 'the rule set', hashArgument)
    .option('--json', 'print it as JSON, files included')
    .addHelpText('after', RULESETS_HELP)
    .action(
      run.action(async (given: string, options: { json?: boolean }) =>
        withRuleSetStore(async ({ actor, ruleSets, resolveHash }) => {
          const detail = await ruleSets.show(actor, await resolveHash(given));
          if (options.json) {
            run.io.out(JSON.stringify(detail, null, 2));
            return EXIT_OK;
          }
          for (const line of describeLines(detail.ruleSet)) run.io.out(line);
          run.io.out('files:');
          for (const [file, content] of Object.entries(detail.files).sort()) {
            run.io.out(`  ${file}${ruleCount(content)}`);
          }
          if (detail.publications.length > 0) run.io.out('publications:');
          for (const publication of detail.publications) {
            run.io.out(`  ${publicationLine(publication)}`);
          }
          return EXIT_OK;
        }),
      ),
    );

  rulesets
    .command('diff')
    .description('what changed from rule set A to rule set B, in words')
    .argument('<a>', 'the earlier rule set', hashArgument)
    .argument('<b>', 'the later rule set', hashArgument)
    .option('--json', 'print the changes as JSON')
    .addHelpText('after', RULESETS_HELP)
    .action(
      run.action(async (a: string, b: string, options: { json?: boolean }) =>
        withRuleSetStore(async ({ actor, ruleSets, resolveHash }) => {
          const diff = await ruleSets.diff(actor, await resolveHash(a), await resolveHash(b));
          if (options.json) run.io.out(JSON.stringify(diff, null, 2));
          else for (const line of formatDiff(diff)) run.io.out(line);
          return EXIT_OK;
        }),
      ),
    );

  rulesets
    .command('publish')
    .description('make a pushed rule set live in every service process (or schedule it)')
    .argument('<hash>', 'the rule set', hashArgument)
    .option('--note <text>', 'why: audited with the publication (required)')
    .option(
      '--effective-from <instant>',
      'an ISO-8601 instant: publish then rather than now',
      instantOption,
    )
    .addHelpText('after', RULESETS_HELP)
    .action(
      run.action(async (given: string, options: { note?: string; effectiveFrom?: string }) =>
        withRuleSetStore(async ({ actor, ruleSets, resolveHash }) => {
          const publication = await ruleSets.publish(actor, {
            hash: await resolveHash(given),
            note: options.note ?? '',
            ...(options.effectiveFrom ? { effectiveFrom: options.effectiveFrom } : {}),
          });
          run.io.out(publicationOutcome(publication));
          return EXIT_OK;
        }),
      ),
    );

  rulesets
    .command('cancel')
    .description('call off the scheduled publication of a rule set before it takes effect')
    .argument('<hash>', 'the rule set', hashArgument)
    .option('--note <text>', 'why: audited with the cancellation (required)')
    .addHelpText('after', RULESETS_HELP)
    .action(
      run.action(async (given: string, options: { note?: string }) =>
        withRuleSetStore(async ({ actor, ruleSets, resolveHash }) => {
          const cancelled = await ruleSets.cancel(actor, {
            hash: await resolveHash(given),
            note: options.note ?? '',
          });
          for (const publication of cancelled) {
            run.io.out(
              `cancelled the publication of ${publication.hash} scheduled for ${publication.effectiveFrom}`,
            );
          }
          return EXIT_OK;
        }),
      ),
    );

  rulesets
    .command('rollback')
    .description('republish the rule set that was live before the live one')
    .option('--note <text>', 'why: audited with the rollback (required)')
    .addHelpText('after', RULESETS_HELP)
    .action(
      run.action(async (options: { note?: string }) =>
        withRuleSetStore(async ({ actor, ruleSets }) => {
          const publication = await ruleSets.rollback(actor, { note: options.note ?? '' });
          run.io.out(publicationOutcome(publication));
          return EXIT_OK;
        }),
      ),
    );

  return rulesets;
}

async function push(
  run: CliRun,
  dir: string,
  options: { note?: string; cases?: string },
): Promise<ExitCode> {
  const { snapshot, sources, problems } = readRuleSetDir(dir);
  const positions = new RuleSetPositions(sources);
  if (problems.length > 0) {
    for (const problem of problems) run.io.err(formatProblemAt(problem, positions));
    run.io.err(`refused: ${problems.length} problem(s) in ${dir}`);
    return EXIT_FAILED;
  }
  const read = casesFor(caseDirOf(dir, options.cases), run.io);
  if (!read) return EXIT_FAILED;
  return withRuleSetStore(async ({ actor, ruleSets }) => {
    try {
      const pushed = await ruleSets.push(actor, {
        files: snapshot.files,
        sources,
        cases: read.cases,
        broken: read.broken,
        note: options.note ?? '',
      });
      for (const finding of pushed.findings) run.io.err(formatFinding(finding));
      const warned = pushed.findings.length > 0 ? `, ${pushed.findings.length} warning(s)` : '';
      run.io.err(
        pushed.created
          ? `pushed ${dir} as a draft (${pushed.cases.passed} case(s) passed${warned})`
          : `already stored (${pushed.ruleSet.state}): nothing pushed again`,
      );
      run.io.out(pushed.ruleSet.hash);
      return EXIT_OK;
    } catch (error) {
      if (!isAppError(error) || error.kind !== 'invalid-input' || !isRefusal(error)) throw error;
      for (const line of refusalLines(error, positions)) run.io.err(line);
      run.io.err(error.message);
      return EXIT_FAILED;
    }
  });
}

/** A push refused for its content (not for a missing note, which is bad usage). */
function isRefusal(error: AppError): boolean {
  const { problems, findings, cases } = error.details;
  return problems !== undefined || findings !== undefined || cases !== undefined;
}

function refusalLines(error: AppError, positions: RuleSetPositions): string[] {
  const details = error.details as {
    problems?: Problem[];
    findings?: Finding[];
    cases?: { name: string; failures: CaseFailure[] }[];
  };
  return [
    ...(details.problems ?? []).map((problem) => formatProblemAt(problem, positions)),
    ...(details.findings ?? []).map(formatFinding),
    ...(details.cases ?? []).flatMap(({ name, failures }) =>
      failures.map((failure) => `${name} › ${failure.path}: ${failure.message}`),
    ),
  ];
}

function listLines(items: readonly StoredRuleSet[]): string[] {
  if (items.length === 0) return ['no rule sets stored yet'];
  return table(
    ['hash', 'state', 'created', 'author', 'note'],
    items.map((item) => [
      item.hash,
      stateText(item),
      item.createdAt.slice(0, 19) + 'Z',
      item.author ? (item.authorName ?? item.author) : `(${whoCreated(item)}, not pushed)`,
      item.note,
    ]),
  );
}

function describeLines(item: StoredRuleSet): string[] {
  return [
    `rule set ${item.hash}`,
    `state:   ${stateText(item)}`,
    `created: ${item.createdAt} by ${whoCreated(item)}`,
    `author:  ${item.author ? (item.authorName ?? item.author) : '(never pushed: stored when a service priced with it)'}`,
    `note:    ${item.note || '(none)'}`,
    ...(item.publishedAt
      ? [`last published: ${item.publishedAt} by ${item.publishedByName ?? item.publishedBy}`]
      : []),
  ];
}

/** The user's name where the id is a user's; a `cli:` or `system` id as it is. */
function whoCreated(item: StoredRuleSet): string {
  return item.createdByName ?? item.createdBy;
}

function stateText(item: StoredRuleSet): string {
  const live = item.live ? ' (live)' : '';
  const scheduled = item.scheduledFrom ? `, goes live ${item.scheduledFrom}` : '';
  return `${item.state}${live}${scheduled}`;
}

function publicationLine(publication: Publication): string {
  const what = publication.kind === 'rollback' ? 'rolled back to it' : 'published';
  const when =
    publication.status === 'scheduled'
      ? `scheduled for ${publication.effectiveFrom}`
      : publication.status === 'cancelled'
        ? `scheduled for ${publication.effectiveFrom}, cancelled by ${publication.cancelledByName ?? publication.cancelledBy} ${publication.cancelledAt}`
        : `live ${publication.tookEffectAt}`;
  return `${what} by ${publication.requestedByName ?? publication.requestedBy}, ${when}${publication.fromHash ? `, replacing ${publication.fromHash}` : ''}: ${publication.note}`;
}

function publicationOutcome(publication: Publication): string {
  if (publication.status === 'scheduled') {
    return `scheduled ${publication.hash} to go live at ${publication.effectiveFrom}`;
  }
  const what = publication.kind === 'rollback' ? 'rolled back to' : 'published';
  return `${what} ${publication.hash}: live now, replacing ${publication.fromHash ?? 'none'}`;
}

function ruleCount(content: unknown): string {
  const rules = (content as { rules?: unknown[] } | undefined)?.rules;
  return Array.isArray(rules) ? ` (${rules.length} rules)` : '';
}

async function actingUser(store: Store): Promise<Actor> {
  const token = process.env.QUOTE_TOKEN;
  if (!token) return { id: `cli:${userInfo().username}`, role: 'pricing-manager' };
  const user = await store.findUserByTokenHash(hashToken(token));
  if (!user) throw new AppError('unauthenticated', 'QUOTE_TOKEN is not the token of any user');
  return { id: user.id, role: user.role };
}

const HASH_PREFIX = /^[0-9a-f]{8,64}$/;

export function hashArgument(value: string): string {
  if (value !== 'live' && !HASH_PREFIX.test(value)) {
    throw new InvalidArgumentError(
      'It must be a rule-set hash (8 to 64 lower-case hex digits) or live.',
    );
  }
  return value;
}

function instantOption(value: string): string {
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError(
      'It must be an ISO-8601 instant such as 2027-01-01T00:00:00+08:00.',
    );
  }
  return at.toISOString();
}

async function resolveHash(store: Store, given: string): Promise<string> {
  if (given === 'live') {
    const { hash } = await store.liveRuleSetVersion();
    if (!hash) throw new AppError('not-found', 'the store has no live rule set yet');
    return hash;
  }
  if (given.length === 64) return given;
  const matches = (await store.listRuleSets()).filter((item) => item.hash.startsWith(given));
  if (matches.length === 1) return matches[0]!.hash;
  throw new AppError(
    'not-found',
    matches.length === 0
      ? `no rule set whose hash starts with ${given}`
      : `${matches.length} rule sets have hashes starting with ${given}: give more digits`,
  );
}
