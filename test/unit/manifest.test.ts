import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The manifest is the contract with Slack: every name the code listens for must be declared there.
const manifest = readFileSync(new URL('../../manifest.yml', import.meta.url), 'utf8');

describe('manifest.yml', () => {
  it('declares both slash commands with escaping on, so mentions arrive as ids', () => {
    for (const command of ['/pull', '/push']) {
      const at = manifest.indexOf(`command: ${command}`);
      expect(at).toBeGreaterThan(-1);
      expect(manifest.slice(at, at + 400)).toMatch(/should_escape: true/);
    }
  });

  it('declares the three shortcuts with their callback ids and types', () => {
    expect(manifest).toMatch(/type: global\s+callback_id: pull_in\b/);
    expect(manifest).toMatch(/type: global\s+callback_id: recognize_advocate\b/);
    expect(manifest).toMatch(/type: message\s+callback_id: recognize_advocate_message\b/);
  });

  it('turns on the Home tab, interactivity, Socket Mode and the app_home_opened event', () => {
    expect(manifest).toMatch(/home_tab_enabled: true/);
    expect(manifest).toMatch(/interactivity:\s+is_enabled: true/);
    expect(manifest).toMatch(/socket_mode_enabled: true/);
    expect(manifest).toMatch(/bot_events:\s+- app_home_opened/);
  });

  it('asks for the least bot scopes the features need', () => {
    const scopes = [...manifest.matchAll(/^ {6}- ([a-z:.]+)$/gm)].map((m) => m[1]);
    expect(scopes.sort()).toEqual(['chat:write', 'commands', 'im:history', 'im:write', 'users:read']);
  });
});
