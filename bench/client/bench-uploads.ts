/** The client benchmark's own account and avatar uploads on the bench server (as a visitor makes them). */
import { waitFor } from '../shared/wait.js';

export async function registerAccount(server: string, displayName: string): Promise<{ accessToken: string }> {
  const response = await fetch(`${server}/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      email: `bench-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`,
      password: 'a-long-benchmark-password',
      displayName,
    }),
  });
  if (response.status !== 201) throw new Error(`bench: POST /auth/register answered ${response.status}`);
  return (await response.json()) as { accessToken: string };
}

/** Uploads a GLB with the avatar profile and waits for the pipeline; resolves to the asset's hash. */
export async function uploadAvatar(server: string, token: string, glb: Uint8Array): Promise<string> {
  const headers = { authorization: `Bearer ${token}` };
  const created = await fetch(`${server}/assets?profile=avatar&name=bench.vrm`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'model/gltf-binary' },
    body: Buffer.from(glb),
  });
  if (created.status !== 202) throw new Error(`bench: the avatar upload answered ${created.status}`);
  const { id } = (await created.json()) as { id: string };
  const job = await waitFor(
    async () =>
      (await (await fetch(`${server}/assets/jobs/${id}`, { headers })).json()) as {
        status: string;
        assetHash: string | null;
        problems: { message: string }[] | null;
      },
    (answer) => answer.status !== 'queued' && answer.status !== 'running',
    { what: 'the avatar upload to be processed', timeoutMs: 120_000, intervalMs: 250 },
  );
  if (job.status !== 'succeeded' || !job.assetHash)
    throw new Error(
      `bench: the avatar upload ${job.status}: ${job.problems?.[0]?.message ?? 'no reason given'}`,
    );
  return job.assetHash;
}
