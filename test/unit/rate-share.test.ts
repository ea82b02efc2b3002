// Instances sending at once split a method's rate so that, together, no second holds more than the budget.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rateShare } from '../../src/scheduler/rate-share.js';

describe('rateShare', () => {
  it('gives the whole budget to an instance sending alone, listed or not', () => {
    expect(rateShare(20, [], 'a')).toBe(20);
    expect(rateShare(20, ['a'], 'a')).toBe(20);
  });

  it('deals whole calls out by rank: 20/s over three is 7, 7 and 6', () => {
    const senders = ['a', 'b', 'c'];
    expect(senders.map((me) => rateShare(20, senders, me))).toEqual([7, 7, 6]);
  });

  it('counts an instance about to send that the others have not listed yet', () => {
    expect(rateShare(20, ['a'], 'b')).toBe(10);
  });

  it('splits a budget under one call a second per sender evenly (Slack counts those per minute)', () => {
    expect(rateShare(50 / 60, ['a', 'b'], 'b')).toBeCloseTo(25 / 60);
  });

  it('never adds up to more than the budget, and never leaves a sender at zero', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.01, max: 200, noNaN: true }),
        fc.integer({ min: 1, max: 12 }),
        (budget, n) => {
          const senders = Array.from({ length: n }, (_, i) => `i${i}`);
          const shares = senders.map((me) => rateShare(budget, senders, me));
          expect(shares.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(budget + 1e-9);
          for (const share of shares) expect(share).toBeGreaterThan(0);
          // Shared between several, each share is whole calls: no second can hold more than the budget.
          if (n > 1 && Math.floor(budget) >= n) expect(shares.every(Number.isInteger)).toBe(true);
        },
      ),
    );
  });
});
