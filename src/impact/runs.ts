/**
 * Impact analyses started through the API, kept as files in one directory so that every service
 * process of this host answers for every run (node:cluster hands each poll to any of them): a
 * run's record (state and progress), rewritten as chunks finish, and its result once done.
 * Each file is replaced whole (write, then rename), so a reader never sees half of one.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { isoInstant } from '../domain';
import {
  impactRowSchema,
  impactSummarySchema,
  type ImpactRow,
  type ImpactSummary,
} from './compare';

export const IMPACT_RUN_STATES = ['running', 'done', 'failed'] as const;

export const impactRunSchema = z.strictObject({
  id: z.string(),
  state: z.enum(IMPACT_RUN_STATES),
  before: z.string().describe('hash of the rule set compared against (the live one by default)'),
  after: z.string().describe('hash of the rule set analysed'),
  quoteDate: z.string().describe('the day (China) both sets price on'),
  startedBy: z.string(),
  startedAt: isoInstant,
  finishedAt: isoInstant.optional(),
  done: z.int().describe('enterprises priced so far'),
  total: z.int().describe('enterprises in the portfolio'),
  error: z.string().optional().describe('why a failed run failed'),
});
export type ImpactRun = z.infer<typeof impactRunSchema>;

export const impactResultSchema = z.strictObject({
  run: impactRunSchema,
  summary: impactSummarySchema,
  rows: z.array(impactRowSchema),
});
export type ImpactResult = z.infer<typeof impactResultSchema>;

const RUN_ID = /^[0-9a-f-]{36}$/;

export class ImpactRuns {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  newId(): string {
    return randomUUID();
  }

  save(run: ImpactRun): void {
    this.#write(`${run.id}.json`, run);
  }

  finish(run: ImpactRun, summary: ImpactSummary, rows: readonly ImpactRow[]): void {
    // The result first: a run that reads as done always has one.
    this.#write(`${run.id}.result.json`, { summary, rows });
    this.save(run);
  }

  read(id: string): ImpactRun | undefined {
    return this.#read(id, `${id}.json`) as ImpactRun | undefined;
  }

  result(id: string): { summary: ImpactSummary; rows: ImpactRow[] } | undefined {
    return this.#read(id, `${id}.result.json`) as
      { summary: ImpactSummary; rows: ImpactRow[] } | undefined;
  }

  #read(id: string, file: string): unknown {
    if (!RUN_ID.test(id)) return undefined;
    try {
      return JSON.parse(readFileSync(join(this.dir, file), 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
  }

  #write(file: string, value: unknown): void {
    const path = join(this.dir, file);
    const partial = `${path}.${process.pid}.partial`;
    writeFileSync(partial, JSON.stringify(value));
    renameSync(partial, path);
  }
}
