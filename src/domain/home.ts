// Everything one person's Home tab shows, gathered in one place.
import type { Db } from '../db/client.js';
import type { Pull, Push, PushUpdate, Recognition } from '../db/schema.js';
import { pullsAwaiting, pullsSent } from './pulls.js';
import { lastUpdates, listPushes, pushesOwnedFor, pushTitles } from './pushes.js';
import { recognitionsInvolving } from './recognitions.js';

export interface HomeData {
  userId: string;
  quarterLabel: string;
  awaiting: Pull[];
  sent: Pull[];
  pushes: { push: Push; last: PushUpdate | undefined }[];
  owned: { push: Push; last: PushUpdate | undefined }[];
  pushTitles: Map<number, string>;
  pushLimit: number;
  recognitions: Recognition[];
}

export function homeFor(
  db: Db,
  userId: string,
  quarter: { key: string; label: string; startsAt: number },
  pushLimit: number,
): HomeData {
  const awaiting = pullsAwaiting(db, userId);
  const sent = pullsSent(db, userId);
  const mine = listPushes(db, userId, quarter.key);
  const owned = pushesOwnedFor(db, userId, quarter.key);
  const latest = lastUpdates(
    db,
    [...mine, ...owned].map((p) => p.id),
  );
  const withLast = (p: Push) => ({ push: p, last: latest.get(p.id) });
  return {
    userId,
    quarterLabel: quarter.label,
    awaiting,
    sent,
    pushes: mine.map(withLast),
    owned: owned.map(withLast),
    pushTitles: pushTitles(
      db,
      [...awaiting, ...sent].flatMap((p) => (p.pushId ? [p.pushId] : [])),
    ),
    pushLimit,
    recognitions: recognitionsInvolving(db, [userId], quarter.startsAt),
  };
}
