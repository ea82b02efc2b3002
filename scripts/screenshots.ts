// `npm run screenshots`: drives the playground in Chromium and writes the README's pictures to docs/.
// Every picture is the real app's own Block Kit, drawn by the playground.
import { mkdirSync } from 'node:fs';
import type { Locator } from 'playwright-core';
import { MANAGER, SALES, WINS } from '../src/playground/seed.js';
import { startSession } from '../test/browser/chromium.js';

const SAM = 'USAM0001';
const s = await startSession();
const { page } = s;
mkdirSync('docs', { recursive: true });

async function shoot(what: Locator, file: string): Promise<void> {
  await what.waitFor();
  await what.screenshot({ path: `docs/${file}` });
  process.stdout.write(`docs/${file}\n`);
}

async function type(text: string): Promise<void> {
  await page.getByLabel('Message').fill(text);
  await page.getByLabel('Message').press('Enter');
}

try {
  const need = 'Can we offer Initech annual billing with a 60-day exit clause?';
  await s.open(SAM);
  await type(`/pull @maya ${need}`);
  await page.locator('.ephemeral', { hasText: 'Initech' }).waitFor();

  await s.open(MANAGER.id);
  const pullDm = page.locator('.message', { hasText: need }).last();
  await shoot(pullDm, 'pull-dm.png');
  await pullDm.getByRole('button', { name: 'Your call' }).click();
  const modal = page.getByRole('dialog');
  await modal
    .locator('textarea, input')
    .first()
    .fill('You know their procurement team: if the exit clause closes it, go ahead.');
  await modal.locator('button[type=submit]').click();
  await modal.waitFor({ state: 'detached' });

  await s.open(SAM);
  await shoot(
    page.locator('.message', { hasText: 'if the exit clause closes it' }).last(),
    'pull-answer.png',
  );

  await s.open(MANAGER.id, { tab: 'home' });
  await page.locator('.home').getByText('Awaiting you').waitFor();
  await shoot(page.locator('main.pane'), 'home-manager.png');

  // Tall enough for the whole digest and, below, the whole push form: Alignment, Accountability, Ability.
  await page.setViewportSize({ width: 1200, height: 1500 });
  await s.open(MANAGER.id);
  await page.getByRole('button', { name: "Send this week's digest now" }).click();
  await page.locator('.notice').waitFor();
  await page.locator('.notice').getByRole('button', { name: '×' }).click();
  await shoot(page.locator('.message', { hasText: 'Pulls awaiting you' }).last(), 'digest.png');

  await type('/push add');
  await shoot(page.getByRole('dialog'), 'push-form.png');
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /Cancel|Close/ })
    .click();
  await page.setViewportSize({ width: 1200, height: 820 });

  await s.open(SAM, { in: SALES.id });
  await page.locator('.message', { hasText: 'booked their IT lead' }).getByTitle('More actions').click();
  await page.getByRole('button', { name: 'Recognize as advocate' }).click();
  const recognize = page.getByRole('dialog');
  await recognize.locator('[data-type=static_select]').first().selectOption('operations');
  await recognize
    .locator('textarea')
    .first()
    .fill('Walked Northwind IT through provisioning so the pilot started on day one.');
  await recognize.locator('button[type=submit]').click();
  await recognize.waitFor({ state: 'detached' });
  await s.open(SAM, { in: WINS.id });
  await shoot(page.locator('.message', { hasText: 'Walked Northwind IT' }).last(), 'recognition-channel.png');
} finally {
  await s.stop();
}
