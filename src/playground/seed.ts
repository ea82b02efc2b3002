// The small team the playground starts with: who they are in the stand-in Slack, and a few weeks of their work
// written through the domain (the same rules as the app), back-dated so the digest and Home have something to say.
import type { Config } from '../config.js';
import type { Db } from '../db/store.js';
import { confirmAgreement, defineSuccess, repeatBack } from '../domain/agreements.js';
import { setAutonomy } from '../domain/autonomy.js';
import { saveProfile, setDefaultManager } from '../domain/members.js';
import { type Answer, acknowledgePull, openPull, resolvePull, withdrawPull } from '../domain/pulls.js';
import { addPush, updatePush } from '../domain/pushes.js';
import { currentQuarter } from '../domain/quarters.js';
import { recognize } from '../domain/recognitions.js';
import { TEAM } from './slack-driver.js';

export interface Person {
  id: string;
  name: string;
  title: string;
  tz: string;
}

export const MANAGER: Person = {
  id: 'UMAYA01',
  name: 'Maya Okafor',
  title: 'Head of Sales',
  tz: 'Europe/London',
};
export const CONTRIBUTORS: Person[] = [
  { id: 'USAM0001', name: 'Sam Rivera', title: 'Account Executive', tz: 'Europe/London' },
  { id: 'UPRIYA01', name: 'Priya Shah', title: 'Account Executive', tz: 'Europe/Berlin' },
  { id: 'ULEO0001', name: 'Leo Park', title: 'Sales Engineer', tz: 'America/New_York' },
];
export const ADVOCATE: Person = {
  id: 'UNOOR001',
  name: 'Noor Haddad',
  title: 'Operations',
  tz: 'Europe/London',
};
export const PEOPLE: Person[] = [MANAGER, ...CONTRIBUTORS, ADVOCATE];
const [SAM, PRIYA, LEO] = CONTRIBUTORS as [Person, Person, Person];

export interface Channel {
  id: string;
  name: string;
  purpose: string;
}

/** #sales holds people's messages (for the message shortcut); #wins is where recognitions are shared. */
export const SALES: Channel = { id: 'C0SALES01', name: 'sales', purpose: 'Deals in flight' };
export const WINS: Channel = { id: 'C0WINS001', name: 'wins', purpose: 'Recognitions from Pushpull' };
export const CHANNELS: Channel[] = [SALES, WINS];

/** Messages people wrote in #sales before the playground started, oldest first. */
export const SAMPLE_MESSAGES: { user: string; text: string }[] = [
  {
    user: SAM.id,
    text: 'Northwind wants the security questionnaire back by Friday. Anyone seen the latest SOC 2 letter?',
  },
  {
    user: ADVOCATE.id,
    text: 'Sent it to Sam just now, and I booked their IT lead for a 30-minute walkthrough on Thursday. The provisioning plan is in the deal folder.',
  },
  { user: PRIYA.id, text: 'Globex signed! Thanks everyone who chipped in on the pricing review.' },
];

const DAY = 24 * 60 * 60 * 1000;

/** Writes the team and its history. Run once, on an empty database. */
export async function seedTeam(db: Db, config: Config, now: number): Promise<void> {
  for (const p of PEOPLE)
    await saveProfile(db, p.id, { displayName: p.name, timezone: p.tz, isBot: false }, now);
  for (const c of CONTRIBUTORS) await setDefaultManager(db, c.id, MANAGER.id, TEAM, now);
  const quarter = currentQuarter(now, config.defaultTimezone, config.fiscalYearStartMonth);
  const rules = { quarter: quarter.key, limit: config.pushLimit };
  const value = async <T>(
    pending: Promise<{ ok: true; value: T } | { ok: false; reason: string }>,
    what: string,
  ): Promise<T> => {
    const result = await pending;
    if (!result.ok) throw new Error(`playground seed: ${what} refused (${result.reason})`);
    return result.value;
  };
  const expansion = await value(
    addPush(
      db,
      {
        teamId: TEAM,
        managerId: MANAGER.id,
        title: 'Land three lighthouse customers in manufacturing',
        why: 'Manufacturing is where our win rate is highest; three references open the segment.',
        success: 'Three signed customers who agree to be references by the end of the quarter.',
        ownerId: SAM.id,
        support: 'A sales engineer on every deal and a security review turned around in a week.',
      },
      rules,
      now - 20 * DAY,
    ),
    'push',
  );
  await value(
    updatePush(
      db,
      expansion.id,
      SAM.id,
      'on-track',
      'Northwind and Acme Tools in legal review.',
      now - 3 * DAY,
    ),
    'update',
  );
  const renewals = await value(
    addPush(
      db,
      {
        teamId: TEAM,
        managerId: MANAGER.id,
        title: 'Renew every top-20 account before it expires',
        why: 'Renewals fund the year; a late one costs us the discount fight.',
        success: 'All twenty renewed on time, none below last year’s price.',
      },
      rules,
      now - 18 * DAY,
    ),
    'push',
  );
  await value(
    updatePush(db, renewals.id, MANAGER.id, 'at-risk', 'Two renewals waiting on procurement.', now - 9 * DAY),
    'update',
  );

  const pull = (
    requester: Person,
    need: string,
    kind: 'decision' | 'context' | 'unblock' | 'define-success',
    daysAgo: number,
    extra: { context?: string; pushId?: number } = {},
  ) =>
    value(
      openPull(
        db,
        { teamId: TEAM, requesterId: requester.id, managerId: MANAGER.id, need, kind, ...extra },
        now - daysAgo * DAY,
      ),
      'pull',
    );
  const answer = (id: number, resolution: Answer, note: string | undefined, daysAgo: number) =>
    value(resolvePull(db, id, MANAGER.id, resolution, note, now - daysAgo * DAY), 'answer');

  await pull(SAM, 'Can we offer Northwind a three-month pilot at half price?', 'decision', 2, {
    context: 'They will sign for a year if the pilot lands; procurement wants it before the 15th.',
    pushId: expansion.id,
  });
  const waiting = await pull(
    PRIYA,
    'Which of the two Globex integrations should the SE team build first?',
    'context',
    5,
  );
  await value(acknowledgePull(db, waiting.id, MANAGER.id, now - 4 * DAY), 'acknowledge');
  await pull(LEO, 'Legal is holding the Initech MSA; can you nudge them?', 'unblock', 1);
  await answer(
    (await pull(LEO, 'Should the demo use the new dashboard or the old one?', 'decision', 6)).id,
    'your-call',
    'You know the audience better than I do.',
    5,
  );
  await answer(
    (await pull(SAM, 'Discount floor for the Acme Tools renewal?', 'decision', 6, { pushId: renewals.id }))
      .id,
    'decision',
    'Hold at 12%, no lower.',
    4,
  );
  await answer(
    (await pull(PRIYA, 'How did we price the last EU deal of this size?', 'context', 4)).id,
    'input',
    'Per seat, with a volume band at 500; ask Noor for the sheet.',
    3,
  );
  await answer(
    (await pull(LEO, 'The Hooli proof of concept keeps growing in scope.', 'unblock', 3)).id,
    'talk',
    undefined,
    2,
  );
  // Define success, then earn the room to run (seed.md): Leo's goal for the Hooli pilot is agreed and Maya
  // has granted him autonomy; Priya's goal is defined and waits for her to say it back in her own words.
  const inDays = (days: number) => new Date(now + days * DAY).toISOString().slice(0, 10);
  const hooli = await pull(
    LEO,
    'Define success for the Hooli pilot, so I can run it my way',
    'define-success',
    9,
    {
      pushId: expansion.id,
    },
  );
  await value(
    defineSuccess(
      db,
      hooli.id,
      MANAGER.id,
      {
        success: 'Hooli signs a paid pilot for two teams, on the product as it is today.',
        byWhen: inDays(40),
        guardrails: 'No custom engineering, and no discount deeper than 15%.',
      },
      now - 8 * DAY,
    ),
    'define success',
  );
  await value(
    repeatBack(db, hooli.id, LEO.id, {
      ownWords: 'A paid pilot with two Hooli teams, no custom work, at 15% off or better.',
      approach:
        'Start with their platform team and let them sell it inside; I pull you in if they ask for custom work.',
    }),
    'repeat it back',
  );
  await value(confirmAgreement(db, hooli.id, MANAGER.id, now - 7 * DAY), 'agree');
  await value(setAutonomy(db, MANAGER.id, LEO.id, true, now - 6 * DAY), 'autonomy');
  const eu = await pull(PRIYA, 'Define success for our first EU quarter', 'define-success', 2);
  await value(
    defineSuccess(
      db,
      eu.id,
      MANAGER.id,
      {
        success: 'Three EU customers live, each with a named champion who would take a reference call.',
        byWhen: inDays(60),
        guardrails: 'Data stays in the EU region; no deals that need a local entity yet.',
      },
      now - 1 * DAY,
    ),
    'define success',
  );

  const dropped = await pull(SAM, 'Could we move the QBR to next week?', 'decision', 3);
  await value(withdrawPull(db, dropped.id, SAM.id, now - 2 * DAY), 'withdraw');

  await value(
    recognize(
      db,
      {
        teamId: TEAM,
        recognizerId: MANAGER.id,
        advocateId: ADVOCATE.id,
        advocateFunction: 'operations',
        what: 'Turned the Northwind security review around in two days, so the pilot could start on time.',
        project: 'Northwind pilot',
      },
      now - 2 * DAY,
    ),
    'recognition',
  );
  await value(
    recognize(
      db,
      {
        teamId: TEAM,
        recognizerId: PRIYA.id,
        advocateId: ADVOCATE.id,
        advocateFunction: 'operations',
        what: 'Had provisioning ready the day Globex signed.',
      },
      now - 1 * DAY,
    ),
    'recognition',
  );
}
