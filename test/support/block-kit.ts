// The Block Kit validator lives with the playground's stand-in for Slack: one strict fake, in one place.
export * from '../../src/playground/block-kit.js';
