// Preloaded into a real Pushpull process by a test (NODE_OPTIONS=--import): on a signal, an error escapes
// the way a bug deep in a dependency would — SIGUSR2 rejects a promise nobody awaits, SIGWINCH throws.
process.on('SIGUSR2', () => {
  Promise.reject(new Error('a stray rejection nobody awaited'));
});
process.on('SIGWINCH', () => {
  throw new Error('a stray exception nobody caught');
});
