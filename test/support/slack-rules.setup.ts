// Fails the test during which any fake Slack saw a request Slack would refuse (see block-kit.ts for the rules).
import { afterEach } from 'vitest';
import { slackMessage } from './block-kit.js';
import { liveFakes } from './fake-slack.js';

afterEach(() => {
  const found: string[] = [];
  for (const fake of liveFakes) {
    for (const v of fake.takeViolations())
      for (const b of v.breaches) found.push(`${v.method}: ${slackMessage(b)} — ${b.doc}`);
    if (!fake.running) liveFakes.delete(fake);
  }
  if (found.length > 0)
    throw new Error(
      `Slack would refuse what this test sent:\n  ${[...new Set(found)].slice(0, 20).join('\n  ')}`,
    );
});
