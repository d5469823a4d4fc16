/**
 * Moderation from inside a world instance (what the player's people list does): a moderator names a
 * visitor by session id; the room checks the role, acts on the account as the REST API would (audited,
 * applied everywhere), and answers. Others are refused with a reason; anonymous visitors can be kicked or
 * muted here but not banned.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningServer } from '../../server/index.js';
import { MessageType, type ModerateRequest, type ModerationOutcome } from '../../protocol/index.js';
import { createOrg, createWorld, ok, registerAccount, sdk, type SignedIn } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { waitFor } from '../helpers/wait.js';

let server: RunningServer;
let owner: SignedIn;
const slug = 'moderated';
const visitors: Visitor[] = [];

beforeAll(async () => {
  server = await startInProcessServer({ RATE_LIMIT_AUTH_PER_MINUTE: '1000' });
  owner = await registerAccount(server.url, 'Owner');
  await createOrg(owner.api, 'mod-org');
  await createWorld(owner.api, 'mod-org', { slug, name: 'Moderated', visibility: 'public' });
});

afterAll(async () => {
  await Promise.all(visitors.map((visitor) => visitor.leave().catch(() => undefined)));
  await server?.close();
});

async function join(name: string, token?: string): Promise<Visitor> {
  const visitor = await joinWorld(server.url, { world: slug, name }, token);
  visitors.push(visitor);
  return visitor;
}

/** Sends a moderate request and waits for the room's answer. */
async function moderate(
  from: Visitor,
  request: ModerateRequest,
): Promise<{ done: boolean; outcome: ModerationOutcome }> {
  return new Promise((resolve) => {
    const stopDone = from.room.onMessage(MessageType.moderated, (outcome: ModerationOutcome) => {
      stopDone();
      stopRefused();
      resolve({ done: true, outcome });
    });
    const stopRefused = from.room.onMessage(MessageType.moderationRefused, (outcome: ModerationOutcome) => {
      stopDone();
      stopRefused();
      resolve({ done: false, outcome });
    });
    from.room.send(MessageType.moderate, request);
  });
}

describe('moderation from the room', () => {
  it('tells each visitor whether it may moderate', async () => {
    const boss = await join('Boss', owner.token);
    const member = await join('Member', (await registerAccount(server.url, 'Member')).token);
    const anonymous = await join('Anonymous');
    for (const [visitor, canModerate] of [
      [boss, true],
      [member, false],
      [anonymous, false],
    ] as const) {
      const said = await waitFor(() => visitor.privileges(), Boolean, { what: 'the privileges message' });
      expect(said).toEqual({ canModerate, leaveToken: expect.stringMatching(/^[\w-]{22}$/) });
    }
  });

  it('mutes, unmutes, kicks and bans a signed-in visitor for a moderator, and records it', async () => {
    const boss = await join('Boss', owner.token);
    const member = await registerAccount(server.url, 'Rowdy');
    const rowdy = await join('Rowdy', member.token);
    await boss.waitToSee(rowdy);

    const muted = await moderate(boss, { target: rowdy.sessionId, action: 'mute', reason: 'shouting' });
    expect(muted).toEqual({
      done: true,
      outcome: { target: rowdy.sessionId, action: 'mute', message: 'Rowdy is muted (chat and voice)' },
    });
    rowdy.say('can anyone hear me');
    await waitFor(
      () => rowdy.chatRefusals,
      (reasons) => reasons.length > 0,
      { what: 'a chat refusal' },
    );
    expect(rowdy.chatRefusals[0]).toMatch(/muted you in this world \(shouting\)/);
    expect(
      (await moderate(boss, { target: rowdy.sessionId, action: 'unmute', reason: 'calm now' })).done,
    ).toBe(true);

    expect((await moderate(boss, { target: rowdy.sessionId, action: 'ban', reason: 'again' })).done).toBe(
      true,
    );
    await waitFor(
      () => rowdy.leftWith(),
      (code) => code === 4403,
      { what: 'the banned visitor removed' },
    );
    await expect(join('Rowdy again', member.token)).rejects.toThrow(/banned/);
    const bans = await ok(sdk.worldsBans({ client: owner.api, path: { slug } }));
    expect(bans).toEqual([expect.objectContaining({ accountId: member.accountId, reason: 'again' })]);
  });

  it('refuses non-moderators, self-moderation, unknown targets, and banning an anonymous visitor', async () => {
    const boss = await join('Boss', owner.token);
    const member = await registerAccount(server.url, 'Plain');
    const plain = await join('Plain', member.token);
    const anonymous = await join('Nobody');
    await boss.waitToSee(anonymous);

    const byMember = await moderate(plain, { target: boss.sessionId, action: 'kick', reason: 'coup' });
    expect(byMember.done).toBe(false);
    expect(byMember.outcome.message).toMatch(/only the world’s owners and moderators/);
    expect(boss.leftWith()).toBeUndefined();

    const self = await moderate(boss, { target: boss.sessionId, action: 'mute', reason: 'oops' });
    expect(self).toMatchObject({ done: false, outcome: { message: 'you cannot mute yourself' } });
    const gone = await moderate(boss, { target: 'no-such-session', action: 'kick', reason: 'x' });
    expect(gone.outcome.message).toMatch(/no longer in this instance/);
    const ownerBan = await moderate(boss, { target: anonymous.sessionId, action: 'ban', reason: 'x' });
    expect(ownerBan.outcome.message).toMatch(/not signed in, so there is no account to ban; kick them/);

    // Kicking the anonymous visitor works in this instance.
    expect((await moderate(boss, { target: anonymous.sessionId, action: 'kick', reason: 'bye' })).done).toBe(
      true,
    );
    await waitFor(
      () => anonymous.leftWith(),
      (code) => code === 4408,
      { what: 'the anonymous visitor kicked' },
    );
    expect(anonymous.removed.at(-1)).toEqual({ code: 4408, reason: 'bye' });
  });

  it('closes a client that sends a malformed moderate request, and nobody else', async () => {
    const boss = await join('Boss', owner.token);
    const bystander = await join('Bystander');
    boss.room.send(MessageType.moderate, { target: bystander.sessionId, action: 'smite', reason: 'x' });
    await waitFor(
      () => boss.leftWith(),
      (code) => code === 4002,
      { what: 'the sender closed for a bad payload' },
    );
    expect(bystander.leftWith()).toBeUndefined();
  });
});
