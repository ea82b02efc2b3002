// This instance's heartbeat: every few seconds it says it is alive and whether it is sending, reads who else is,
// and so knows its share of Slack's rate budget (src/scheduler/pace.ts says who owns pacing).
import type { Db } from '../db/store.js';
import {
  endLeasesOfTheDead,
  forgetLongGone,
  heartbeat,
  leave,
  sendingInstances,
} from '../domain/instances.js';
import type { Logger } from '../logger.js';
import { INSTANCE_ID } from './digest.js';
import { pause, type SharedBudget } from './pace.js';
import { rateShare } from './rate-share.js';

/** How often each instance writes its heartbeat and reads the others'. */
export const HEARTBEAT_MS = 2_000;
/**
 * A heartbeat older than this belongs to a process that is gone: it takes no share, and its digest leases end.
 * Several beats long, so a slow query or a busy event loop does not make a live instance look dead.
 */
export const STALE_MS = 10_000;
/** After its last paced call, an instance still counts as sending this long (the next manager is coming). */
const IDLE_AFTER_MS = 2 * HEARTBEAT_MS;
/**
 * Sharing, each instance runs this much further under its share. One sender's sends are evenly spaced and its
 * headroom (pace.ts) absorbs a few ms of jitter; several uncoordinated senders often land a full budget's worth
 * in one second, so a send delayed on its way (a busy event loop, a slow network) would tip it over.
 */
export const SHARED_HEADROOM = 0.95;
/** A beat's write and read take a few ms: an instance announcing itself waits this much beyond one beat. */
const SETTLE_MS = 500;

export interface Timing {
  heartbeatMs: number;
  staleMs: number;
}

export class InstanceHeartbeat implements SharedBudget {
  private senders: readonly string[] = [];
  private active = 0;
  private lastCallAt = Number.NEGATIVE_INFINITY;
  /** True once the others have had a beat to see this instance sending; false again once it is idle. */
  private counted = false;
  private announcing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private failing = false;
  /** Instances already found dead, whose leases were ended once. */
  private readonly buried = new Set<string>();
  private readonly startedAt: number;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    /** Told when a dead instance's digest leases were ended: the scheduler retakes those managers now. */
    private readonly onLeasesFreed: () => void = () => {},
    readonly id: string = INSTANCE_ID,
    private readonly timing: Timing = { heartbeatMs: HEARTBEAT_MS, staleMs: STALE_MS },
    private readonly clock: () => number = Date.now,
  ) {
    this.startedAt = clock();
  }

  /** Writes the first heartbeat (a database that cannot take it stops the start), then beats on a timer. */
  async start(): Promise<void> {
    await forgetLongGone(this.db, this.clock());
    await this.beat();
    this.timer = setInterval(() => void this.beatLogged(), this.timing.heartbeatMs);
    this.timer.unref();
  }

  /** A clean shutdown: no more beats, and the row is deleted so the others take this share at once. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.beating;
    try {
      await leave(this.db, this.id);
    } catch (error) {
      this.logger.warn('could not remove this instance’s heartbeat; it goes stale on its own', { error });
    }
  }

  /** The instances sending as of the last beat, in rank order (for the log and tests). */
  get sendingNow(): readonly string[] {
    return this.senders;
  }

  begin(): void {
    this.active += 1;
  }

  end(): void {
    this.active -= 1;
    this.lastCallAt = this.clock();
  }

  async enter(signal?: AbortSignal): Promise<void> {
    if (this.counted) return;
    // Say so, then give every other instance one beat to read it and slow down before adding our sends.
    this.announcing ??= (async () => {
      await this.beat();
      await pause(this.timing.heartbeatMs + SETTLE_MS, signal);
      await this.beat();
      this.counted = true;
    })().finally(() => {
      this.announcing = undefined;
    });
    await this.announcing;
  }

  share(rate: number): number {
    const share = rateShare(rate, this.senders, this.id);
    return this.senders.some((id) => id !== this.id) ? share * SHARED_HEADROOM : share;
  }

  private get sending(): boolean {
    return this.active > 0 || this.announcing !== undefined || this.clock() - this.lastCallAt < IDLE_AFTER_MS;
  }

  private async beatLogged(): Promise<void> {
    try {
      await this.beat();
      if (this.failing) this.logger.info('heartbeat written again');
      this.failing = false;
    } catch (error) {
      // The last share read stays in force; the others stop counting this instance once its row is stale.
      if (!this.failing) this.logger.warn('could not write this instance’s heartbeat', { error });
      this.failing = true;
    }
  }

  private beat(): Promise<void> {
    const beating = (async () => {
      const now = this.clock();
      const sending = this.sending;
      if (!sending) this.counted = false;
      await heartbeat(this.db, { id: this.id, startedAt: this.startedAt, sending, now });
      const senders = await sendingInstances(this.db, now - this.timing.staleMs);
      if (senders.join() !== this.senders.join()) {
        // For the operator (and the bench): how many instances split the budget, and this one's rank among them.
        this.logger.info('instances sending now', {
          sending: senders.length,
          rank: senders.indexOf(this.id),
          self: sending,
        });
      }
      this.senders = senders;
      await this.endLeasesOfTheDead(now);
    })();
    this.beating = beating.catch(() => {});
    return beating;
  }

  private async endLeasesOfTheDead(now: number): Promise<void> {
    const ended = await endLeasesOfTheDead(this.db, now - this.timing.staleMs, now, this.buried);
    if (ended.dead.length === 0) return;
    for (const id of ended.dead) this.buried.add(id);
    if (ended.leases > 0) {
      this.logger.info('ended the digest leases of instances that stopped without a word', {
        instances: ended.dead,
        leases: ended.leases,
      });
      this.onLeasesFreed();
    }
  }
}
