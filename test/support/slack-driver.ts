// Signed requests in Slack's shapes; the playground sends its requests the same way, so the code is shared.
export * from '../../src/playground/slack-driver.js';
