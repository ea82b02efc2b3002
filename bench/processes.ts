// Real processes for the multi-instance benches: `pushpull start` (or a bench script through tsx), started together,
// each ready once it logs its port. Unlike test/support/process.ts, a process that does not get ready in time is
// killed, and so are the others started with it: a busy machine must not leave instances running after the bench.
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI_SCRIPT, TSX_LOADER } from '../test/support/cli.js';

/** Generous: on a machine shared with test runs, tsx can take many seconds to load the app. */
const READY_WITHIN_MS = 60_000;

export interface Running {
  child: ChildProcess;
  port: number;
  /** Everything it wrote so far, stdout and stderr. */
  output(): string;
}

function startOne(env: Record<string, string>, script: string, args: string[]): Promise<Running> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, script, ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (d: Buffer) => {
    output += d.toString();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  return new Promise<Running>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${script} ${args.join(' ')} ${why}:\n${output.slice(-2000)}`));
    };
    const timer = setTimeout(() => fail(`was not ready within ${READY_WITHIN_MS / 1000} s`), READY_WITHIN_MS);
    const check = () => {
      const match = /"port":(\d+)/.exec(output);
      if (!match) return;
      clearTimeout(timer);
      child.stderr.off('data', check);
      child.off('exit', exited);
      resolve({ child, port: Number(match[1]), output: () => output });
    };
    const exited = (code: number | null) => fail(`exited with ${code}`);
    child.stderr.on('data', check);
    child.once('exit', exited);
  });
}

/** SIGTERM, then SIGKILL if it has not exited within 30 s. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** `count` processes started at once; if any fails to get ready, the rest are stopped and the failure thrown. */
export async function startProcesses(
  count: number,
  env: Record<string, string>,
  script = CLI_SCRIPT,
  args = ['start'],
): Promise<Running[]> {
  const settled = await Promise.allSettled(Array.from({ length: count }, () => startOne(env, script, args)));
  const running = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(running.map((r) => stopProcess(r.child)));
    throw failed.reason;
  }
  return running;
}
