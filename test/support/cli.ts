// Runs the real `pushpull` CLI (through tsx, so no build is needed) and collects what it prints.
import { spawn } from 'node:child_process';
import { chownSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Working directory (where `.env` and relative database paths are read); the project root by default. */
  cwd?: string;
  /** Run as this user (see `unprivilegedUser`). */
  user?: { uid: number; gid: number };
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI_SCRIPT = join(ROOT, 'src/cli.ts');
/** Absolute, so the process finds tsx from any working directory. */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export function runCli(
  args: string[],
  env: Record<string, string>,
  options: RunOptions = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_SCRIPT, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: options.cwd ?? ROOT,
      ...(options.user ?? {}),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * File permissions do not bind root, so permission tests run the process as `nobody` when the suite runs as root,
 * and as the current user otherwise. `own` hands files to that user.
 */
export function unprivilegedUser(): {
  user: { uid: number; gid: number } | undefined;
  own: (path: string) => void;
} {
  if (process.getuid?.() !== 0) return { user: undefined, own: () => {} };
  const user = { uid: 65_534, gid: 65_534 };
  return { user, own: (path) => chownSync(path, user.uid, user.gid) };
}
