// The fake Slack Web API lives in the product (the playground runs on it): one strict fake, in one place.
export * from '../../src/playground/fake-slack.js';
