// Debian's Chromium driven by playwright-core, with the launch flags for a closed network (issue 14).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type Playground, startPlayground } from '../../src/playground/server.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export interface Session {
  playground: Playground;
  browser: Browser;
  page: Page;
  /** Closes every open modal, so one test's failure does not leave a dialog over the next test's page. */
  closeModals(): Promise<void>;
  /** Opens the page as a person, in a conversation. */
  open(as: string, where?: { in?: string; tab?: 'home' | 'messages' }): Promise<void>;
  stop(): Promise<void>;
}

export async function startSession(): Promise<Session> {
  const dir = mkdtempSync(join(tmpdir(), 'pushpull-playground-'));
  const playground = await startPlayground({
    databasePath: join(dir, 'playground.db'),
    port: 0,
    write: () => {},
  });
  // playwright-core gives every launch a fresh profile directory of its own (it refuses --user-data-dir here).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1200, height: 820 } });
  return {
    playground,
    browser,
    page,
    async closeModals() {
      for (const [user, stack] of Object.entries(playground.workspace.state().modals))
        for (const open of stack) playground.workspace.closeView(user, open.id);
    },
    async open(as, where = {}) {
      const q = new URLSearchParams({ as, in: where.in ?? `D${as.slice(1)}`, tab: where.tab ?? 'messages' });
      await page.goto(`${playground.url}?${q}`);
      await page.locator('nav.sidebar').waitFor();
    },
    async stop() {
      await browser.close();
      await playground.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
