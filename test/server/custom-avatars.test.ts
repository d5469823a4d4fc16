/**
 * Custom avatars in the room: a visitor joins wearing an uploaded avatar (avatarModel) and everyone sees
 * it; the room refuses what is not an avatar upload, and a VRM licensed to its author only is worn only by
 * the account that uploaded it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningServer } from '../../server/index.js';
import { registerAccount, type SignedIn } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';
import { uploadToLibrary } from '../helpers/scene-models.js';
import { joinWorld, type Visitor } from '../helpers/visitors.js';
import { vrmAvatar } from '../../bench/assets/vrm-avatar.js';

let server: RunningServer;
let alice: SignedIn;
let bob: SignedIn;
let shared: string;
let ownOnly: string;
let prop: string;
const visitors: Visitor[] = [];

beforeAll(async () => {
  server = await startInProcessServer();
  alice = await registerAccount(server.url, 'Alice');
  bob = await registerAccount(server.url, 'Bob');
  const upload = async (glb: Uint8Array | undefined, profile: string) =>
    (await uploadToLibrary(server.url, alice.token, glb, '&lods=false', profile)).hash;
  [shared, ownOnly, prop] = await Promise.all([
    upload((await vrmAvatar({ name: 'Fox' })).glb, 'avatar'),
    upload((await vrmAvatar({ name: 'Signature look', permission: 'onlyAuthor' })).glb, 'avatar'),
    upload(undefined, 'prop'),
  ]);
}, 180_000);

afterAll(async () => {
  await Promise.all(visitors.map((visitor) => visitor.leave().catch(() => undefined)));
  await server?.close();
});

async function join(...args: Parameters<typeof joinWorld>): Promise<Visitor> {
  const visitor = await joinWorld(...args);
  visitors.push(visitor);
  return visitor;
}

describe('custom avatars', () => {
  it('a guest wears an avatar anyone may wear, and another visitor sees it', async () => {
    const guest = await join(server.url, { name: 'Guest', avatarModel: shared });
    const other = await join(server.url, { name: 'Other' });
    expect((await other.waitToSee(guest, 'the guest in its avatar')).avatarModel).toBe(shared);
    expect((await guest.waitToSee(other, 'the other visitor')).avatarModel).toBe('');
  });

  it('an avatar licensed to its author is worn by its uploader only', async () => {
    const uploader = await join(server.url, { avatarModel: ownOnly }, alice.token);
    expect(uploader.self()?.avatarModel ?? (await uploader.waitToSee(uploader)).avatarModel).toBe(ownOnly);
    await expect(join(server.url, { avatarModel: ownOnly }, bob.token)).rejects.toThrow(
      /avatar: "Signature look" is licensed for its author only \(VRM avatarPermission "onlyAuthor"\): only the account that uploaded it may wear it/,
    );
    await expect(join(server.url, { avatarModel: ownOnly })).rejects.toThrow(/licensed for its author only/);
  });

  it('refuses what is not an avatar upload, naming the fix', async () => {
    await expect(join(server.url, { avatarModel: prop })).rejects.toThrow(
      /is not an uploaded avatar; upload a VRM 1\.0 or rigged glTF with profile=avatar/,
    );
    await expect(join(server.url, { avatarModel: '0'.repeat(64) })).rejects.toThrow(
      /is not an uploaded avatar/,
    );
    await expect(join(server.url, { avatarModel: 'fox.vrm' })).rejects.toThrow(
      /option "avatarModel" is invalid: avatarModel is an asset hash: 64 lowercase hex digits/,
    );
  });
});
