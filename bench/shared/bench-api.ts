/** Calls the built server's API from a benchmark: JSON in and out, a thrown error naming any failure. */
import { generatedModels, pmndrsModels } from '../assets/sample-models.js';

export async function call(
  url: string,
  init: RequestInit & { token?: string; json?: unknown } = {},
): Promise<Response> {
  const { token, json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const response = await fetch(url, {
    ...rest,
    headers,
    ...(json !== undefined && { body: JSON.stringify(json) }),
  });
  if (!response.ok)
    throw new Error(
      `bench: ${rest.method ?? 'GET'} ${url} answered ${response.status}: ${await response.text()}`,
    );
  return response;
}

/** Uploads one model (`query`: profile, name, …) and waits for the pipeline: its hash, or why not. */
export async function uploadAsset(
  origin: string,
  token: string,
  glb: Uint8Array,
  query: URLSearchParams,
): Promise<{ hash: string } | { refused: string }> {
  const job = (await (
    await call(`${origin}/assets?${query.toString()}`, {
      method: 'POST',
      token,
      headers: { 'content-type': 'model/gltf-binary' },
      body: Buffer.from(glb),
    })
  ).json()) as { id: string };
  for (;;) {
    const state = (await (await call(`${origin}/assets/jobs/${job.id}`, { token })).json()) as {
      status: string;
      assetHash: string | null;
      problems: { message: string }[] | null;
    };
    if (state.status === 'succeeded' && state.assetHash) return { hash: state.assetHash };
    if (state.status === 'rejected' || state.status === 'failed')
      return { refused: `${state.status}: ${state.problems?.[0]?.message ?? 'see the server log'}` };
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Uploads the bench:assets set for `world` through the pipeline; the hashes of those it accepts. */
export async function uploadModels(origin: string, token: string, world: string): Promise<string[]> {
  const hashes: string[] = [];
  for (const model of [...(await pmndrsModels()), ...(await generatedModels())]) {
    const query = new URLSearchParams({ profile: 'scene', name: `${model.name}.glb`, world });
    const outcome = await uploadAsset(origin, token, model.glb, query);
    if ('hash' in outcome) hashes.push(outcome.hash);
    else console.error(`  ${model.name}: ${outcome.refused.split(':')[0]} by the pipeline; left out`);
  }
  if (hashes.length === 0) throw new Error('bench: the pipeline accepted none of the bench:assets models');
  return hashes;
}

/** The operator a benchmark's server is started with (spread into its environment). */
export const BENCH_OPERATOR = {
  OPERATOR_EMAIL: 'operator@example.com',
  OPERATOR_PASSWORD: 'operator-password-1',
} as const;

/** Signs in as BENCH_OPERATOR; its access token. */
export async function operatorToken(origin: string): Promise<string> {
  const response = await call(`${origin}/auth/login`, {
    method: 'POST',
    json: { email: BENCH_OPERATOR.OPERATOR_EMAIL, password: BENCH_OPERATOR.OPERATOR_PASSWORD },
  });
  return ((await response.json()) as { accessToken: string }).accessToken;
}

/** Replaces world `slug`'s draft with `scene` (read its ETag, then PUT with If-Match). */
export async function replaceDraft(
  origin: string,
  token: string,
  slug: string,
  scene: unknown,
): Promise<void> {
  const etag = (await call(`${origin}/worlds/${slug}/scene/draft`, { token })).headers.get('etag')!;
  await call(`${origin}/worlds/${slug}/scene/draft`, {
    method: 'PUT',
    token,
    headers: { 'if-match': etag },
    json: scene,
  });
}

/** Publishes world `slug`'s draft. */
export async function publishDraft(
  origin: string,
  token: string,
  slug: string,
  message?: string,
): Promise<void> {
  await call(`${origin}/worlds/${slug}/scene/publish`, {
    method: 'POST',
    token,
    json: message === undefined ? {} : { message },
  });
}

/** A new embed key of world `slug` for the sites `origins`: the key's secret. */
export async function createEmbedKey(
  origin: string,
  token: string,
  slug: string,
  name: string,
  origins: string[],
): Promise<string> {
  const response = await call(`${origin}/worlds/${slug}/keys`, {
    method: 'POST',
    token,
    json: { name, scopes: ['embed'], origins },
  });
  return ((await response.json()) as { key: string }).key;
}
