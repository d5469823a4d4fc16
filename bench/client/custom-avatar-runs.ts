/**
 * bench:client's `--custom-avatars K`: K distinct VRMs made in code, uploaded to the bench server as a
 * visitor's avatars are, then the crowd wearing them in turn — measured with the product's renderer and
 * the naive one (every avatar its own loaded model).
 */
import { call, uploadAsset } from '../shared/bench-api.js';
import { round } from '../shared/stats.js';
import { vrmAvatar } from '../assets/vrm-avatar.js';

/** Measures the crowd wearing `hashes` with a renderer, saving the screenshot `shot`. */
export type MeasureWearing<F> = (renderer: 'crowd' | 'naive', hashes: string[], shot: string) => Promise<F>;

export async function customAvatarRuns<F extends { frameMsP50: number }>(
  server: string,
  count: number,
  measure: MeasureWearing<F>,
): Promise<{ distinct: number; crowd: F; naive: F; frameMsRatio: number; vrmBytes: number[] }> {
  const { accessToken } = (await (
    await call(`${server}/auth/register`, {
      method: 'POST',
      json: {
        email: `bench-avatars-${Date.now()}@example.com`,
        password: 'a-long-benchmark-password',
        displayName: 'Bench avatars',
      },
    })
  ).json()) as { accessToken: string };
  const uploads = await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const hue = index / count;
      const vrm = await vrmAvatar({
        name: `bench-avatar-${index + 1}`,
        color: [
          0.5 + 0.5 * Math.cos(hue * 6.28),
          0.5 + 0.5 * Math.cos((hue - 1 / 3) * 6.28),
          0.5 + 0.5 * Math.cos((hue - 2 / 3) * 6.28),
        ],
      });
      const query = new URLSearchParams({ profile: 'avatar', name: `${vrm.name}.vrm` });
      const outcome = await uploadAsset(server, accessToken, vrm.glb, query);
      if (!('hash' in outcome)) throw new Error(`bench: the avatar upload was ${outcome.refused}`);
      return { hash: outcome.hash, bytes: vrm.glb.length };
    }),
  );
  const hashes = uploads.map((upload) => upload.hash);
  const crowd = await measure('crowd', hashes, 'custom-avatars-crowd');
  console.error(`  custom avatars, crowd: ${JSON.stringify(crowd)}`);
  const naive = await measure('naive', hashes, 'custom-avatars-naive');
  console.error(`  custom avatars, naive: ${JSON.stringify(naive)}`);
  return {
    distinct: count,
    crowd,
    naive,
    frameMsRatio: round(crowd.frameMsP50 / naive.frameMsP50, 3),
    vrmBytes: uploads.map((upload) => upload.bytes),
  };
}
