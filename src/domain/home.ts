// Everything one person's Home tab shows, gathered in one place.
import type { Agreement, Pull, Push, PushUpdate, Recognition } from '../db/schema.js';
import type { Db } from '../db/store.js';
import { agreementsOnPushes, agreementsPage, handshakesAmong } from './agreements.js';
import { hasAutonomy } from './autonomy.js';
import { getMember } from './members.js';
import { answeredSince, type Mirror, mirrorOf, type Teammate, yourTeam } from './mirror.js';
import { awaitingPage, type Page, sentPage } from './pulls.js';
import { lastUpdates, listPushes, pushesOwnedFor, pushTitles } from './pushes.js';
import { recognitionCounts, recognitionsInvolving } from './recognitions.js';

export interface HomeData {
  userId: string;
  quarterLabel: string;
  awaiting: Page<Pull>;
  sent: Page<Pull>;
  pushes: PushWithNews[];
  owned: PushWithNews[];
  /** The agreements this person is part of, newest first. */
  agreements: Page<Agreement>;
  /** The handshakes of the define-success pulls they sent or that await them, by pull id. */
  handshakes: Map<number, Agreement>;
  pushTitles: Map<number, string>;
  pushLimit: number;
  /** The newest this quarter, and how many they received and gave in all. */
  recognitions: { shown: Recognition[]; received: number; given: number };
  /** Their own standing: away or here, and whether their manager granted them autonomy. */
  me?: {
    awayUntil: string | null;
    awayDeputyId: string | null;
    managerId: string | null;
    autonomy: boolean;
  };
  /** Their mirror and team, this quarter (the person's own, in their timezone). */
  mirror?: Mirror;
  team?: Page<Teammate>;
}

/** A push with its latest update and the agreements that hang off it. */
export interface PushWithNews {
  push: Push;
  last: PushUpdate | undefined;
  agreed?: { count: number; latest: Agreement } | undefined;
}

/** How many of each list the Home tab shows: no more is read. */
export interface HomeShown {
  awaiting: number;
  sent: number;
  recognitions: number;
  agreements: number;
  /** Of the people who name them as manager; read only when set (the mirror comes with it). */
  team?: number;
}

export async function homeFor(
  db: Db,
  userId: string,
  quarter: { key: string; label: string; startsAt: number },
  pushLimit: number,
  shown: HomeShown,
): Promise<HomeData> {
  const awaiting = await awaitingPage(db, userId, shown.awaiting);
  const sent = await sentPage(db, userId, shown.sent);
  const mine = await listPushes(db, userId, quarter.key);
  const owned = await pushesOwnedFor(db, userId, quarter.key);
  const latest = await lastUpdates(
    db,
    [...mine, ...owned].map((p) => p.id),
  );
  const agreed = await agreementsOnPushes(
    db,
    [...mine, ...owned].map((p) => p.id),
  );
  const withLast = (p: Push) => ({ push: p, last: latest.get(p.id), agreed: agreed.get(p.id) });
  const agreements = await agreementsPage(db, userId, shown.agreements);
  const member = await getMember(db, userId);
  const personal: Partial<HomeData> = {
    me: {
      awayUntil: member?.awayUntil ?? null,
      awayDeputyId: member?.awayDeputyId ?? null,
      managerId: member?.managerId ?? null,
      autonomy: hasAutonomy(member),
    },
  };
  if (shown.team !== undefined) {
    personal.mirror = mirrorOf(await answeredSince(db, userId, quarter.startsAt), awaiting.shown[0]);
    personal.team = await yourTeam(db, userId, quarter.startsAt, shown.team);
  }
  const handshakes = await handshakesAmong(db, [...awaiting.shown, ...sent.shown]);
  const titles = await pushTitles(
    db,
    [...awaiting.shown, ...sent.shown, ...agreements.shown].flatMap((p) => (p.pushId ? [p.pushId] : [])),
  );
  const recognitions = {
    shown: await recognitionsInvolving(db, [userId], quarter.startsAt, shown.recognitions),
    ...(await recognitionCounts(db, userId, quarter.startsAt)),
  };
  return {
    ...personal,
    userId,
    quarterLabel: quarter.label,
    awaiting,
    sent,
    pushes: mine.map(withLast),
    owned: owned.map(withLast),
    agreements,
    handshakes,
    pushTitles: titles,
    pushLimit,
    recognitions,
  };
}
