// Spawns a real Pushpull (or bench) process and waits for it to log the port it listens on.
import { type ChildProcess, spawn } from 'node:child_process';
import { CLI_SCRIPT, TSX_LOADER } from './cli.js';

export async function spawnPushpull(
  env: Record<string, string>,
  script = CLI_SCRIPT,
  args = ['start'],
): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, script, ...args], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`pushpull did not start:\n${output}`)), 20_000);
    const check = () => {
      const match = /"port":(\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    };
    child.stderr?.on('data', check);
    child.on('exit', (code) => reject(new Error(`pushpull exited with ${code}:\n${output}`)));
  });
  return { child, port, output: () => output };
}
