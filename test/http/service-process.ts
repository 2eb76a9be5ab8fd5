/**
 * Starts the real service (`src/server.ts`, compiled: test/support/compiled-source.ts) as its own
 * process tree, the way `npm start` does, and waits for the line that says it listens.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { compiledModule } from '../support/compiled-source';

const ROOT = resolve(__dirname, '../..');
/** The compiled server, found (or compiled) on the first start. */
let server: string | undefined;

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<NodeJS.Signals | number | null>;
  /** Every JSON line the service has logged so far. */
  logLines: Record<string, unknown>[];
  stderr: () => string;
}

/** Spawns the service; resolves once it listens, rejects with its stderr if it exits first. */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const started = spawnService(env);
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      // Nobody will stop a service the test never got: its workers exit with their supervisor.
      started.child.kill('SIGKILL');
      fail(new Error(`no listening line within 30 s; stderr: ${started.stderr()}`));
    }, 30_000);
    started.onLine((line) => {
      if (typeof line.port === 'number' && /listening/.test(String(line.msg))) {
        clearTimeout(timer);
        done(`http://127.0.0.1:${line.port}`);
      }
    });
    void started.exited.then((how) => {
      clearTimeout(timer);
      fail(new Error(`service exited (${String(how)}) before listening: ${started.stderr()}`));
    });
  });
  return { ...started, url };
}

/** Spawns the service without waiting for it (to watch it fail to start, say). */
export function spawnService(env: Record<string, string>) {
  server ??= compiledModule('server');
  const child = spawn(process.execPath, [server], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<NodeJS.Signals | number | null>((done) =>
    child.once('exit', (code, signal) => done(signal ?? code)),
  );
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const logLines: Record<string, unknown>[] = [];
  const listeners: ((line: Record<string, unknown>) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    logLines.push(line);
    for (const listener of listeners) listener(line);
  });
  return {
    child,
    exited,
    logLines,
    stderr: () => stderr,
    onLine: (listener: (line: Record<string, unknown>) => void) => listeners.push(listener),
  };
}

/** The pids of a process's live children, from /proc (Linux). */
export function childPids(parent: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ');
      // fields[0] is the state: a zombie has exited and only waits to be reaped.
      if (Number(fields[1]) === parent && fields[0] !== 'Z') children.push(Number(entry));
    } catch {
      // ended while we looked
    }
  }
  return children;
}

/** The pids of a service's live worker processes: its supervisor's children that run the server. */
export function workerPids(supervisor: number): number[] {
  return childPids(supervisor).filter((pid) => {
    try {
      return server !== undefined && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(server);
    } catch {
      return false;
    }
  });
}
