#!/usr/bin/env node
// Runs the compiled CLI. `npm start` and `npm run build` compile `src/` into `dist/`.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');
if (!existsSync(cli)) {
  console.error('pushpull: not built yet. Run `npm run build` (or `npm start`) first.');
  process.exit(1);
}
await import(cli);
