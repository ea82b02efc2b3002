// `npm run bench`: every figure the issues ask for, printed as Markdown. `npm run bench -- pull` runs one section.
import { benchDigestFanOut } from './digest-fanout.js';
import { benchLoad } from './load.js';
import { benchPostgres } from './postgres.js';
import { benchPullAck } from './pull-ack.js';
import { benchScale } from './scale.js';

const sections: Record<string, () => Promise<string[]>> = {
  pull: benchPullAck,
  load: benchLoad,
  digest: benchDigestFanOut,
  scale: benchScale,
  postgres: benchPostgres,
};

const wanted = process.argv.slice(2);
const chosen = wanted.length > 0 ? wanted : Object.keys(sections);
for (const name of chosen) {
  const run = sections[name];
  if (!run) {
    process.stderr.write(`Unknown bench section "${name}". Known: ${Object.keys(sections).join(', ')}\n`);
    process.exit(2);
  }
  process.stdout.write(`${(await run()).join('\n')}\n\n`);
}
