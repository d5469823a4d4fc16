/** An upload job that the pipeline rejects at once (a truncated GLB): its routes answer without waiting. */
import { waitFor } from './wait.js';

/** Uploads a truncated GLB as the account with `token` and waits until its job is rejected; the job id. */
export async function rejectedUploadJob(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/assets?profile=prop`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'model/gltf-binary' },
    body: Buffer.from('glTF truncated'),
  });
  const { id } = (await response.json()) as { id: string };
  await waitFor(
    async () =>
      (await (
        await fetch(`${url}/assets/jobs/${id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        status: string;
      },
    (job) => job.status === 'rejected',
    // A hang guard, not a timing check: a worker thread busy with another test's encodes answers late.
    { what: 'the rejected upload job', timeoutMs: 60_000, intervalMs: 100 },
  );
  return id;
}
