/**
 * A separate process that stores quotes, for the multi-process tests: opens the store named by
 * argv[2] (JSON StoreOptions), creates argv[3] quotes, argv[4] at a time, and prints each number
 * on its own line the moment its create is acknowledged. Every other create carries a fresh
 * idempotency key, so its transaction reads before it writes, as a retried HTTP request's does.
 */
import { openStore, type StoreOptions } from '../../src/store/open';
import { newQuote, saveCurrentRuleSet } from './support';

async function main(): Promise<void> {
  const options = JSON.parse(process.argv[2]!) as StoreOptions;
  const total = Number(process.argv[3]);
  const concurrency = Number(process.argv[4] ?? 8);
  const store = await openStore(options);
  await saveCurrentRuleSet(store);
  const input = await newQuote({ accountManagerId: `am-${process.pid}` });
  let started = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < total) {
        started += 1;
        const key = started % 2 ? `${process.pid}-${started}` : undefined;
        const { quote } = await store.createQuote({ ...input, idempotencyKey: key });
        process.stdout.write(`${quote.number}\n`);
      }
    }),
  );
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
