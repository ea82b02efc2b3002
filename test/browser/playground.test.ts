// The playground in real Chromium: the real app behind a page that looks like Slack, driven as a person would.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ADVOCATE, MANAGER, SALES, WINS } from '../../src/playground/seed.js';
import { type Session, startSession } from './chromium.js';

const SAM = 'USAM0001';
let s: Session;

beforeAll(async () => {
  s = await startSession();
});
beforeEach(async () => {
  await s.closeModals();
});
afterAll(async () => {
  await s?.stop();
});

/** Nothing the app sent was refused by the stand-in's Block Kit checks (the page would show it). */
async function noSlackErrors(): Promise<void> {
  expect(await s.page.locator('.slack-error').allTextContents()).toEqual([]);
}

describe('the playground in a browser', () => {
  it('a contributor pulls their manager in from the composer, the manager answers Your call, the requester sees it', async () => {
    const { page } = s;
    await s.open(SAM);
    await page.getByLabel('Message').fill('/pull @maya Can we bring the Initech beta forward a week?');
    await page.getByLabel('Message').press('Enter');
    await page.locator('.ephemeral', { hasText: 'Initech beta' }).waitFor();

    await s.open(MANAGER.id);
    const dm = page.locator('.message', { hasText: 'Can we bring the Initech beta forward a week?' }).last();
    await dm.getByRole('button', { name: 'Your call' }).click();
    const modal = page.getByRole('dialog');
    await modal.locator('textarea, input').first().fill('You know Initech best: go with your judgement.');
    await modal.locator('button[type=submit]').click();
    await modal.waitFor({ state: 'detached' });

    await s.open(SAM);
    const answer = page.locator('.message', { hasText: 'You know Initech best' }).last();
    await answer.waitFor();
    expect(await answer.innerText()).toContain('Your call');
    // Mentions read as names, not ids.
    expect(await answer.innerText()).not.toMatch(/<@U|UMAYA01/);
    await noSlackErrors();
  });

  it("shows a modal's field error under the input, where Slack shows it", async () => {
    const { page } = s;
    await s.open(SAM);
    await page.getByRole('button', { name: 'Recognize an advocate' }).click();
    const modal = page.getByRole('dialog');
    await modal.waitFor();
    // Recognizing yourself is refused by the app with response_action: errors.
    await modal.locator('[data-type=users_select]').selectOption(SAM);
    await modal.locator('[data-type=static_select]').first().selectOption('operations');
    await modal.locator('textarea').first().fill('Kept the lights on.');
    await modal.locator('button[type=submit]').click();
    const error = modal.locator('.input', { hasText: 'Who helped?' }).locator('.field-error');
    await error.waitFor();
    expect((await error.innerText()).length).toBeGreaterThan(5);
    expect(await modal.isVisible()).toBe(true);
    await modal.getByRole('button', { name: /Cancel|Close/ }).click();
    await noSlackErrors();
  });

  it('refuses a push added over the limit, with the reason', async () => {
    const { page } = s;
    await s.open(MANAGER.id);
    // Two pushes are seeded; the third fits the default limit of three, the fourth does not.
    await page.getByLabel('Message').fill('/push add Open the partner channel in the Nordics');
    await page.getByLabel('Message').press('Enter');
    await page.locator('.ephemeral', { hasText: 'Open the partner channel' }).first().waitFor();
    await page.getByLabel('Message').fill('/push add Rewrite the sales playbook');
    await page.getByLabel('Message').press('Enter');
    const refusal = page.locator('.ephemeral', { hasText: 'that is the limit' });
    await refusal.waitFor();
    expect(await refusal.innerText()).toContain('pushing on 3 things');
    await noSlackErrors();
  });

  it("renders a manager's Home tab from the app's blocks", async () => {
    const { page } = s;
    await s.open(MANAGER.id, { tab: 'home' });
    const home = page.locator('.home');
    await home.getByText('Awaiting you').waitFor();
    expect(await home.innerText()).toContain('Which of the two Globex integrations');
    expect(await home.getByRole('button', { name: 'Your call' }).count()).toBeGreaterThan(0);
    await noSlackErrors();
  });

  it('recognizes an advocate from the message shortcut on their message in a channel', async () => {
    const { page } = s;
    await s.open(SAM, { in: SALES.id });
    const message = page.locator('.message', { hasText: 'booked their IT lead' });
    await message.getByTitle('More actions').click();
    await page.getByRole('button', { name: 'Recognize as advocate' }).click();
    const modal = page.getByRole('dialog');
    await modal.waitFor();
    expect(await modal.locator('[data-type=users_select]').inputValue()).toBe(ADVOCATE.id);
    await modal.locator('[data-type=static_select]').first().selectOption('operations');
    await modal
      .locator('textarea')
      .first()
      .fill('Walked Northwind IT through provisioning so the pilot started on day one.');
    await modal.locator('button[type=submit]').click();
    await modal.waitFor({ state: 'detached' });

    await s.open(SAM, { in: WINS.id });
    const post = page.locator('.message', { hasText: 'Walked Northwind IT through provisioning' });
    await post.waitFor();
    expect(await post.innerText()).toContain('Noor Haddad');
    await noSlackErrors();
  });
});
