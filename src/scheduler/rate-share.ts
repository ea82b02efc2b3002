// How instances sending at once split one method's rate: what each paces itself at so that together they stay under it.

/**
 * This instance's share of `budget` calls a second when the instances in `senders` (every one sending, in the
 * order they all read from the database) split it; `me` counts as sending whether or not it is listed yet.
 *
 * Slack counts a workspace's calls over a window, and a fake or a strict reading of a tier counts whole calls
 * per second: three instances at 20 ÷ 3 = 6.67/s could each send 7 in one second and reach 21. So when every
 * sender can have at least one whole call a second, the whole calls are dealt out (20 over three is 7, 7 and
 * 6, by rank), and no second can hold more than the budget. A budget smaller than that (a Tier 3 method's
 * 50/min) is split evenly: Slack counts those per minute, where an even split adds up exactly.
 */
export function rateShare(budget: number, senders: readonly string[], me: string): number {
  const all = senders.includes(me) ? senders : [...senders, me];
  const count = all.length;
  if (count <= 1) return budget;
  const whole = Math.floor(budget);
  if (whole < count) return budget / count;
  const rank = all.indexOf(me);
  return Math.floor(whole / count) + (rank < whole % count ? 1 : 0);
}
