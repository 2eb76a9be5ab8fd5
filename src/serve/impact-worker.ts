/**
 * `npm run worker`: prices impact-analysis chunks from the PostgreSQL job queue (issue 13) until
 * stopped. Run one on every host that should help: each takes jobs as its threads free up, so an
 * analysis gets faster with every worker. DATABASE_URL names the database (and its store);
 * IMPACT_THREADS how many threads price (default: one per CPU); IMPACT_QUEUE_SCHEMA where pg-boss
 * keeps its tables (default pgboss).
 */
import { AppError, isAppError } from '../errors';
import { openImpactQueue, workImpactQueue } from '../impact/queue';
import { impactSettingsFromEnv } from '../impact/settings';
import { ThreadRunner } from '../impact/threads';
import { openStore, storeOptionsFromEnv } from '../store/open';

async function main(): Promise<void> {
  const storeOptions = storeOptionsFromEnv();
  const { queue, threads: threadCount } = impactSettingsFromEnv(storeOptions);
  if (!queue) {
    throw AppError.invalidInput(
      [
        {
          path: 'DATABASE_URL',
          message: 'is required: impact workers take their jobs from PostgreSQL',
        },
      ],
      'DATABASE_URL is required: impact workers take their jobs from PostgreSQL',
    );
  }
  const store = await openStore(storeOptions);
  // Its threads read each job's range of enterprises from the same database.
  const threads = new ThreadRunner(threadCount, storeOptions);
  const boss = await openImpactQueue(queue, (error) =>
    console.error(`impact worker: ${error.message}`),
  );
  await workImpactQueue(boss, store, threads);
  console.log(`impact worker ${process.pid}: ${threads.workers} thread(s) on the queue`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Jobs in hand finish first, so no chunk is priced twice.
    await boss.stop({ graceful: true, wait: true });
    await threads.close();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error(`impact worker: ${isAppError(error) ? error.message : String(error)}`);
  process.exit(1);
});
