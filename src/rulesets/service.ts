/**
 * Rule-set governance (issue 13), every use case as one function that takes the acting user, for
 * the API and the command line alike: push a draft (refused unless it compiles, the verifier finds
 * no error and every case prices as expected), list, show, diff, publish (now or at an
 * effectiveFrom; four eyes when the tariff says so) and roll back. Storage is the Store's; going
 * live in every service process is the live source's (live.ts).
 */
import { LRUCache } from 'lru-cache';
import { AppError, type FieldIssue } from '../errors';
import { DEFAULT_MESSAGE_LOCALE, messageFor, type MessageLocale } from '../messages/messages';
import { canonicalJson, sha256Hex } from '../hashing';
import { runRuleCases, type CaseFailure, type RuleCase } from '../pricing/cases';
import { RuleSetPositions, type Position } from '../rules/positions';
import { authorize, type Actor } from '../quotes/policy';
import { RuleSetCache } from '../quotes/replay';
import { compileRuleSet, type Problem, type RuleSet, type RuleSetSnapshot } from '../rules/compile';
import type { RuleSetSources } from '../rules/positions';
import { hasErrors, verifyRuleSet, type Finding } from '../rules/verify';
import { rollbackTarget } from '../store/rule-set-versions';
import type { Publication, Store, StoredRuleSet } from '../store/types';
import { diffRuleSets, type RuleSetDiff } from './diff';

export interface RuleSetServiceOptions {
  store: Store;
  clock?: () => Date;
}

/** A draft as pushed: its files, and the cases that must price as they expect. */
export interface DraftInput {
  files: Record<string, unknown>;
  /** The files' text as written, for line and column in findings (the command line has it). */
  sources?: RuleSetSources;
  /** Each case by name; `broken` ones could not even be read as cases (a failure each). */
  cases: readonly RuleCase[];
  broken?: readonly { name: string; failures: CaseFailure[] }[];
  note: string;
}

export interface PushResult {
  ruleSet: StoredRuleSet;
  /** false: this content was pushed before; nothing was stored again. */
  created: boolean;
  /** The verifier's warnings (an error refuses the push). */
  findings: Finding[];
  cases: { passed: number };
}

/** A stored set as its reviewer sees it: what the verifier finds and how each case prices. */
export interface RuleSetReview {
  findings: Finding[];
  cases: { name: string; passed: boolean; failures: CaseFailure[] }[];
}

/** Files as an editor holds them, checked without storing anything; each problem placed. */
export interface DraftCheck {
  problems: (Problem & Partial<Position>)[];
  findings: Finding[];
}

export interface RuleSetDetail {
  ruleSet: StoredRuleSet;
  files: Record<string, unknown>;
  /** Its publications and rollbacks, oldest first. */
  publications: Publication[];
}

export class RuleSetService {
  readonly #store: Store;
  readonly #clock: () => Date;
  readonly #compiled: RuleSetCache;
  /**
   * A stored set never changes under its hash, so its review against the same cases is the same
   * answer: a reviewer reopening the page should not wait for the verifier and every case again.
   */
  readonly #reviews = new LRUCache<string, RuleSetReview>({ max: 64 });

  constructor(options: RuleSetServiceOptions) {
    this.#store = options.store;
    this.#clock = options.clock ?? (() => new Date());
    this.#compiled = new RuleSetCache(options.store);
  }

  /**
   * Checks a draft and stores it. Refused (invalid-input, 400) with `problems` when it does not
   * compile, `findings` when the verifier finds an error, `cases` when a case fails; every one
   * also as an issue naming its file and path. Pushing the same content again stores nothing.
   */
  async push(actor: Actor, draft: DraftInput): Promise<PushResult> {
    authorize(actor, 'ruleset.push');
    const note = requiredNote(draft.note);
    const snapshot: RuleSetSnapshot = { files: draft.files };
    const compiled = compileRuleSet(snapshot);
    if (!compiled.ok) throw refusedForProblems(compiled.problems);
    const { ruleSet } = compiled;
    const findings = verifyRuleSet(ruleSet, draft.sources);
    if (hasErrors(findings)) throw refusedForFindings(findings);
    const cases = await checkCases(ruleSet, draft);
    const { ruleSet: stored, created } = await this.#store.pushRuleSet({
      hash: ruleSet.hash,
      snapshot,
      author: actor.id,
      note,
      now: this.#now(),
    });
    return {
      ruleSet: stored,
      created,
      findings: findings.filter((finding) => finding.severity !== 'error'),
      cases: { passed: cases },
    };
  }

  /** Every stored rule set, newest first (a scheduled publication that fell due taken first). */
  async list(actor: Actor): Promise<StoredRuleSet[]> {
    authorize(actor, 'ruleset.read');
    await this.#store.activateDuePublications(this.#now());
    return this.#store.listRuleSets();
  }

  async show(actor: Actor, hash: string): Promise<RuleSetDetail> {
    authorize(actor, 'ruleset.read');
    const [ruleSet, snapshot, history] = await Promise.all([
      this.#store.describeRuleSet(hash),
      this.#store.getRuleSet(hash),
      this.#store.listPublications(),
    ]);
    if (!ruleSet || !snapshot) throw notFound(hash);
    return {
      ruleSet,
      files: snapshot.files,
      publications: history.filter((publication) => publication.hash === hash),
    };
  }

  /**
   * The verifier's findings about a stored set (placed in its files as the store prints them) and
   * each case priced under it, as a push would run them.
   */
  async review(
    actor: Actor,
    hash: string,
    draft: Pick<DraftInput, 'cases' | 'broken'>,
  ): Promise<RuleSetReview> {
    authorize(actor, 'ruleset.read');
    if (!(await this.#store.describeRuleSet(hash))) throw notFound(hash);
    const key = `${hash}:${sha256Hex(canonicalJson([draft.cases, draft.broken ?? []]))}`;
    const known = this.#reviews.get(key);
    if (known) return known;
    const ruleSet = await this.#compiled.get(hash);
    const results = [...(draft.broken ?? []), ...(await runRuleCases(ruleSet, draft.cases))];
    const review: RuleSetReview = {
      findings: verifyRuleSet(ruleSet),
      cases: results.map(({ name, failures }) => ({
        name,
        passed: failures.length === 0,
        failures,
      })),
    };
    this.#reviews.set(key, review);
    return review;
  }

  /**
   * What a push would find in these files before their cases run: the problems that keep them
   * from compiling, or else the verifier's findings, each at its line and column in `sources`.
   * Stores nothing; for an editor that checks as its user types.
   */
  check(actor: Actor, draft: Pick<DraftInput, 'files' | 'sources'>): DraftCheck {
    authorize(actor, 'ruleset.push');
    const positions = new RuleSetPositions(draft.sources ?? {});
    const syntaxErrors = Object.keys(draft.sources ?? {}).flatMap((file) => {
      const syntax = positions.syntaxError(file);
      if (!syntax) return [];
      const { error, ...position } = syntax;
      // jsonc-parser names what it expected in code (`PropertyNameExpected`); the catalogue words it.
      const text = { key: 'rulesets.notJson', params: { error: { term: `jsonSyntax.${error}` } } };
      const problem: Problem = {
        file,
        path: '',
        code: 'invalid-json',
        message: messageFor(text.key, text.params, DEFAULT_MESSAGE_LOCALE),
        text,
      };
      return [{ ...problem, ...position }];
    });
    if (syntaxErrors.length > 0) return { problems: syntaxErrors, findings: [] };
    const compiled = compileRuleSet({ files: draft.files });
    if (!compiled.ok) {
      return {
        problems: compiled.problems.map((problem) => ({
          ...problem,
          ...positions.ofProblem(problem),
        })),
        findings: [],
      };
    }
    return { problems: [], findings: verifyRuleSet(compiled.ruleSet, draft.sources) };
  }

  /** Every publication and rollback, oldest first. */
  async history(actor: Actor): Promise<Publication[]> {
    authorize(actor, 'ruleset.read');
    return this.#store.listPublications();
  }

  /** What changed from `from` to `to`, in words of `locale` (English unless asked). */
  async diff(
    actor: Actor,
    from: string,
    to: string,
    locale: MessageLocale = DEFAULT_MESSAGE_LOCALE,
  ): Promise<RuleSetDiff> {
    authorize(actor, 'ruleset.read');
    const [before, after] = await Promise.all([
      this.#store.getRuleSet(from),
      this.#store.getRuleSet(to),
    ]);
    if (!before) throw notFound(from);
    if (!after) throw notFound(to);
    return diffRuleSets({ hash: from, snapshot: before }, { hash: to, snapshot: after }, locale);
  }

  /**
   * Makes a pushed draft (or a retired set) live in every service process, now or at
   * `effectiveFrom`. Refused: a set never pushed (its cases never ran), one the verifier now
   * faults, the live one, and (four eyes, when the live set's tariff or its own says so) one the
   * publisher pushed; a conflict too if another publication went live meanwhile.
   */
  async publish(
    actor: Actor,
    request: { hash: string; note: string; effectiveFrom?: string },
  ): Promise<Publication> {
    authorize(actor, 'ruleset.publish');
    const note = requiredNote(request.note);
    if (request.effectiveFrom !== undefined) notBefore(request.effectiveFrom, this.#clock());
    const candidate = await this.#store.describeRuleSet(request.hash);
    if (!candidate) throw notFound(request.hash);
    if (candidate.author === undefined) {
      throw new AppError(
        'conflict',
        `rule set ${request.hash} was stored by a service, never pushed: push it (its cases run then) before publishing`,
        { text: { key: 'rulesets.neverPushed', params: { hash: request.hash } } },
      );
    }
    const compiled = await this.#compiled.get(request.hash);
    const findings = verifyRuleSet(compiled);
    if (hasErrors(findings)) throw refusedForFindings(findings);
    const live = await this.#store.liveRuleSetVersion();
    const liveSet = live.hash ? await this.#compiled.get(live.hash) : undefined;
    if (needsFourEyes(compiled, liveSet) && candidate.author === actor.id) {
      throw new AppError(
        'forbidden',
        `four eyes: you pushed rule set ${request.hash}, so someone else must publish it (tariff.json publication.fourEyes)`,
        {
          author: candidate.author,
          text: { key: 'rulesets.fourEyes', params: { hash: request.hash } },
        },
      );
    }
    return this.#store.publishRuleSet({
      hash: request.hash,
      kind: 'publish',
      note,
      actorId: actor.id,
      now: this.#now(),
      ...(request.effectiveFrom !== undefined ? { effectiveFrom: request.effectiveFrom } : {}),
      ...(live.hash ? { expectedLive: live.hash } : {}),
    });
  }

  /**
   * Calls off the scheduled publication of `hash` before it takes effect, audited with the note.
   * Whoever may publish may cancel. One already due takes effect first and cannot be called off:
   * it is live (or was), and a rollback is the way back then.
   */
  async cancel(actor: Actor, request: { hash: string; note: string }): Promise<Publication[]> {
    authorize(actor, 'ruleset.publish');
    const note = requiredNote(request.note);
    if (!(await this.#store.describeRuleSet(request.hash))) throw notFound(request.hash);
    await this.#store.activateDuePublications(this.#now());
    return this.#store.cancelScheduledPublication({
      hash: request.hash,
      note,
      actorId: actor.id,
      now: this.#now(),
    });
  }

  /**
   * Republishes the set that was live before the live one (a second rollback goes one further
   * back). The emergency brake: it puts back a set that already went live under the same rules,
   * so four eyes does not hold it up.
   */
  async rollback(actor: Actor, request: { note: string }): Promise<Publication> {
    authorize(actor, 'ruleset.publish');
    const note = requiredNote(request.note);
    const [history, live] = await Promise.all([
      this.#store.listPublications(),
      this.#store.liveRuleSetVersion(),
    ]);
    const target = rollbackTarget(history);
    if (!target || !live.hash) {
      throw new AppError('conflict', 'nothing to roll back to: only one rule set was ever live', {
        text: { key: 'rulesets.nothingToRollBack' },
      });
    }
    return this.#store.publishRuleSet({
      hash: target,
      kind: 'rollback',
      note,
      actorId: actor.id,
      now: this.#now(),
      expectedLive: live.hash,
    });
  }

  #now(): string {
    return this.#clock().toISOString();
  }
}

/** Four eyes holds when the live tariff asks for it, or the one about to go live does. */
function needsFourEyes(candidate: RuleSet, live: RuleSet | undefined): boolean {
  return (
    candidate.tariff.publication?.fourEyes === true || live?.tariff.publication?.fourEyes === true
  );
}

/**
 * A scheduled publication must lie ahead: one at or before now would go live at once while the
 * history recorded it as having taken effect earlier than it was asked for.
 */
function notBefore(effectiveFrom: string, now: Date): void {
  if (new Date(effectiveFrom).getTime() > now.getTime()) return;
  throw AppError.invalidInput(
    [
      {
        path: 'effectiveFrom',
        message: `must be later than now (${now.toISOString()}); leave it out to publish now`,
        text: { key: 'rulesets.effectiveFromPast', params: { now: now.toISOString() } },
      },
    ],
    'effectiveFrom is not in the future',
  );
}

function requiredNote(note: string | undefined): string {
  const text = note?.trim() ?? '';
  if (text === '') {
    throw AppError.invalidInput(
      [
        {
          path: 'note',
          message: 'is required: say why (it is kept with the rule set and audited)',
          text: { key: 'rulesets.noteRequired' },
        },
      ],
      'a note is required',
    );
  }
  return text;
}

/** Prices every case; refused with each failing figure when one fails. Returns how many passed. */
async function checkCases(ruleSet: RuleSet, draft: DraftInput): Promise<number> {
  const results = [...(draft.broken ?? []), ...(await runRuleCases(ruleSet, draft.cases))];
  if (results.length === 0) {
    throw AppError.invalidInput(
      [
        {
          path: 'cases',
          message: 'a rule set is pushed with at least one case',
          text: { key: 'rulesets.noCases' },
        },
      ],
      'refused: no cases to run',
    );
  }
  const failed = results.filter((result) => result.failures.length > 0);
  if (failed.length > 0) {
    const issues = failed.flatMap((result) =>
      result.failures.map((failure) => ({
        path: `cases.${result.name}.${failure.path}`,
        message: failure.message,
        ...(failure.text ? { text: failure.text } : {}),
      })),
    );
    throw new AppError(
      'invalid-input',
      `refused: ${failed.length} of ${results.length} case(s) failed`,
      {
        issues,
        // As the command line prints them: in English (the issues carry the other languages).
        cases: failed.map(({ name, failures }) => ({
          name,
          failures: failures.map(({ path, message }) => ({ path, message })),
        })),
        text: {
          key: 'rulesets.refusedCases',
          params: { failed: failed.length, total: results.length },
        },
      },
    );
  }
  return results.length;
}

function refusedForProblems(problems: readonly Problem[]): AppError {
  return new AppError('invalid-input', `refused: the rule set has ${problems.length} problem(s)`, {
    issues: problems.map(fileIssue),
    problems,
    text: { key: 'rulesets.refusedProblems', params: { count: problems.length } },
  });
}

function refusedForFindings(findings: readonly Finding[]): AppError {
  const errors = findings.filter((finding) => finding.severity === 'error');
  return new AppError('invalid-input', `refused: the verifier found ${errors.length} error(s)`, {
    issues: errors.map((finding) => ({
      ...fileIssue({
        ...finding,
        message:
          finding.rules.length > 0
            ? `${finding.message} (rules ${finding.rules.join(', ')})`
            : finding.message,
      }),
      text: finding.text,
    })),
    findings,
    text: { key: 'rulesets.refusedFindings', params: { count: errors.length } },
  });
}

/** `files.long-distance.rules.json.rules.0.event.params.percent`: the file, then the path in it. */
function fileIssue(problem: { file: string; path: string; message: string }): FieldIssue {
  return {
    path: problem.path ? `files.${problem.file}.${problem.path}` : `files.${problem.file}`,
    message: problem.message,
  };
}

function notFound(hash: string): AppError {
  return new AppError('not-found', `no rule set with hash ${hash}`, {
    text: { key: 'rulesets.notFound', params: { hash } },
  });
}
