/**
 * What /docs-json promises, the server keeps: the defects bench:security's contract harness (schemathesis)
 * found, each pinned here — undeclared methods, anonymous callers on operations that need a credential,
 * problem responses the document left out, input the document allowed and the server refused, and input
 * that reached a 500.
 */
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { RunningServer } from '../../server/index.js';
import { createOrg, createWorld, registerAccount, type SignedIn } from '../helpers/api.js';
import { startInProcessServer } from '../helpers/in-process-server.js';

interface Operation {
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ in: string; name: string; schema?: { pattern?: string } }>;
  requestBody?: {
    required?: boolean;
    content: Record<string, { schema: { properties?: Record<string, { pattern?: string }> } }>;
  };
  responses: Record<string, unknown>;
}
type Document = { paths: Record<string, Record<string, Operation>> };

let server: RunningServer;
let document: Document;
let owner: SignedIn;

beforeAll(async () => {
  server = await startInProcessServer();
  document = (await (await fetch(`${server.url}/docs-json`)).json()) as Document;
  owner = await registerAccount(server.url, 'Owner');
  await createOrg(owner.api, 'contract-org');
  await createWorld(owner.api, 'contract-org', { slug: 'contract', name: 'Contract' });
});
afterAll(async () => server?.close());

const send = (path: string, init: RequestInit & { token?: string; json?: unknown } = {}) => {
  const { token, json, ...rest } = init;
  return fetch(`${server.url}${path}`, {
    ...rest,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(rest.headers as Record<string, string> | undefined),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
};

/** fetch refuses TRACE, so this goes through node:http: the status, Allow and the problem's detail. */
function trace(path: string): Promise<{ status: number; allow?: string; type?: string; detail: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { method: 'TRACE' }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          allow: res.headers.allow,
          type: res.headers['content-type'],
          detail: (JSON.parse(text) as { detail: string }).detail,
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('methods', () => {
  it('answers a documented path asked with another method 405 with Allow, an unknown path 404', async () => {
    const wrong = await trace('/auth/me');
    expect(wrong).toEqual({
      status: 405,
      allow: 'GET, HEAD',
      type: expect.stringMatching(/^application\/problem\+json/),
      detail: '/auth/me does not take TRACE; it takes GET, HEAD (see /docs)',
    });
    const templated = await send('/worlds/anything/scene', { method: 'DELETE' });
    expect(templated.status).toBe(405);
    expect(templated.headers.get('allow')).toBe('GET, HEAD');
    expect((await trace('/no/such/route')).status).toBe(404);
  });
});

describe('credentials', () => {
  it('answers an anonymous caller 401 before reading its input where the operation needs a credential', async () => {
    const response = await send('/nft/bindings', { method: 'POST', json: { nonsense: true } });
    expect(response.status).toBe(401);
    expect(((await response.json()) as { detail: string }).detail).toMatch(
      /^POST \/nft\/bindings is for signed-in callers: send "Authorization: Bearer <token>"/,
    );
    // Anonymous on a private-world operation: 401, not a 404 that tells whether the world exists.
    expect((await send('/worlds/contract/roles')).status).toBe(401);
    expect((await send('/worlds/no-such-world/roles')).status).toBe(401);
  });

  it('documents which operations take anonymous callers, and those answer them', async () => {
    expect(document.paths['/worlds/{slug}']!.get!.security).toEqual([{ bearer: [] }, {}]);
    expect(document.paths['/auth/guest']!.post!.security).toEqual([{ bearer: [] }, {}]);
    expect(document.paths['/worlds/{slug}/roles']!.get!.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/worlds/{slug}/embed-tokens']!.post!.security).toEqual([{ bearer: [] }]);
    expect((await send('/worlds/contract')).status).toBe(200);
  });
});

describe('the document', () => {
  it('lists 401 on every operation, 400 where input is read and 404 where the path names something', () => {
    const missing: string[] = [];
    for (const [path, item] of Object.entries(document.paths))
      for (const [method, operation] of Object.entries(item)) {
        const parameters = operation.parameters ?? [];
        const needed = ['401'];
        if (parameters.length > 0 || operation.requestBody) needed.push('400');
        if (parameters.some((parameter) => parameter.in === 'path')) needed.push('404');
        for (const status of needed)
          if (!operation.responses[status]) missing.push(`${method.toUpperCase()} ${path} ${status}`);
      }
    expect(missing).toEqual([]);
  });

  it('says free-form strings refuse U+0000, and the server refuses it', async () => {
    const body = document.paths['/auth/guest']!.post!.requestBody!;
    const pattern = body.content['application/json']!.schema.properties!.displayName!.pattern!;
    expect(new RegExp(pattern).test('Ann')).toBe(true);
    expect(new RegExp(pattern).test('A\u0000nn')).toBe(false);
    expect((await send('/auth/guest', { method: 'POST', json: { displayName: 'A\u0000nn' } })).status).toBe(
      400,
    );
  });

  it('requires the raw bodies of uploads and thumbnails', () => {
    expect(document.paths['/assets']!.post!.requestBody?.required).toBe(true);
    expect(document.paths['/worlds/{slug}/thumbnail']!.put!.requestBody?.required).toBe(true);
  });
});

describe('input the server refused or failed on', () => {
  it('refuses an NFT amount or a gate minimum that is not a number with 400 (a 500 before)', async () => {
    const binding = await send('/nft/bindings', {
      method: 'POST',
      token: owner.token,
      json: {
        chainId: 31337,
        contract: `0x${'a1'.repeat(20)}`,
        tokenId: '1',
        amount: 'ib\u001b0',
        use: 'collectible',
      },
    });
    expect(binding.status).toBe(400);
    expect(await binding.text()).toContain('body.amount');
    const gate = await send('/worlds/contract/token-gate', {
      method: 'PUT',
      token: owner.token,
      json: { chainId: 31337, contract: `0x${'a1'.repeat(20)}`, minBalance: 'x1' },
    });
    expect(gate.status).toBe(400);
    expect(await gate.text()).toContain('body.minBalance');
  });

  it('refuses an email whose part before @ is over 64 characters', async () => {
    const response = await send('/auth/register', {
      method: 'POST',
      json: { email: `${'a'.repeat(65)}@example.com`, password: 'a-long-password-1', displayName: 'Long' },
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('the part before @ is at most 64 characters');
  });

  it('answers a malformed If-Match 400 and names the form, a stale one 412', async () => {
    const scene = { schema: 2, entities: {} };
    const malformed = await send('/worlds/contract/scene/draft', {
      method: 'PUT',
      token: owner.token,
      headers: { 'if-match': 'not-quoted' },
      json: scene,
    });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { detail: string }).detail).toMatch(/^If-Match must be \* or ETags/);
    const stale = await send('/worlds/contract/scene/draft', {
      method: 'PUT',
      token: owner.token,
      headers: { 'if-match': '"stale"' },
      json: scene,
    });
    expect(stale.status).toBe(412);
  });
});
