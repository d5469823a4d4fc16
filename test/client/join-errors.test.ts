/** Why a join failed, in words a visitor can act on (the entry page and the banner show these). */
import { describe, expect, it } from '@jest/globals';
import { describeJoinError } from '../../client/src/shared/net/join-errors.js';

const serverError = (code: number, message: string) => Object.assign(new Error(message), { code });

describe('describeJoinError', () => {
  it('retries when the server cannot be reached', () => {
    expect(describeJoinError(new TypeError('Failed to fetch'))).toEqual({
      message: 'The world server cannot be reached.',
      retry: true,
      signIn: false,
      refusal: false,
    });
  });

  it('asks a visitor to sign in for a private or missing world', () => {
    const failure = describeJoinError(serverError(404, 'join: world "secret" not found'));
    expect(failure).toMatchObject({ retry: false, signIn: true });
    expect(failure.message).toMatch(/private or does not exist \(world "secret" not found\)\. Sign in/);
  });

  it('tells a banned visitor so, with the reason, and a gated one what the world asks for', () => {
    expect(describeJoinError(serverError(403, 'join: you are banned from "demo" (spam)')).message).toBe(
      'You are banned from this world: you are banned from "demo" (spam)',
    );
    const gated = describeJoinError(
      serverError(403, 'join: this world asks for a token of 0xabc on chain 31337'),
    );
    expect(gated).toMatchObject({ signIn: true, retry: false });
    expect(gated.message).toMatch(/asks for something you do not hold: this world asks for a token of 0xabc/);
  });

  it('says an avatar the room refused is the avatar, not the world (an avatar upload, its licence)', () => {
    const failure = describeJoinError(
      serverError(403, 'avatar: "Fox" is licensed for its author only (VRM avatarPermission "onlyAuthor")'),
    );
    expect(failure).toEqual({
      message:
        'Your avatar cannot be worn here: "Fox" is licensed for its author only (VRM avatarPermission "onlyAuthor").',
      retry: false,
      signIn: false,
      refusal: true,
    });
    expect(
      describeJoinError(serverError(404, 'avatar: avatarModel 0000… is not an uploaded avatar')).message,
    ).toMatch(/^Your avatar cannot be worn here: avatarModel 0000… is not an uploaded avatar/);
  });

  it('says a full world is full, and that a gate that cannot be checked may pass later', () => {
    expect(describeJoinError(serverError(429, 'join: organization "acme" has 50 visitors')).message).toMatch(
      /full right now: organization "acme" has 50 visitors\. Try again/,
    );
    expect(describeJoinError(serverError(503, 'join: the chain cannot be read'))).toMatchObject({
      retry: true,
      refusal: false,
    });
  });

  it('tries again when the seat kept for the visitor expired before it connected (a slow device)', () => {
    expect(describeJoinError(serverError(524, 'seat reservation expired.'))).toMatchObject({
      retry: true,
      refusal: false,
    });
  });

  it('offers another instance when an invited one is full or over', () => {
    const full = describeJoinError(serverError(522, 'room "AbC123" is locked'));
    expect(full).toMatchObject({ retry: false, refusal: true, otherInstance: true });
    expect(full.message).toMatch(/That instance is full/);
    expect(describeJoinError(serverError(522, 'room "AbC123" not found')).message).toMatch(/has ended/);
  });
});
