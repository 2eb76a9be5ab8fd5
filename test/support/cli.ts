import { runCli, type CliIo } from '../../src/cli/main';

/** Runs `quote …` in this process, as the bin would, and collects its exit code and output. */
export async function runQuote(
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (text) => out.push(text),
    err: (text) => err.push(text),
    readStdin: () => '',
  };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}
