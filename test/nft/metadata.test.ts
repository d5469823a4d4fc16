/**
 * Token metadata under the SSRF-safe policy: private and metadata addresses refused in every spelling and
 * behind a redirect, size caps (declared and streamed), content types, timeouts; URIs through gateways and
 * data:, ERC-1155 `{id}` substitution and malformed JSON read from real contracts on anvil.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { tempDir } from '../helpers/server-process.js';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Address, PublicClient } from 'viem';
import {
  MetadataError,
  UnsafeFetchError,
  contracts,
  createChainClient,
  devAccount,
  readTokenMetadata,
  resolveUri,
  safeFetch,
  type SafeFetchPolicy,
} from '../../nft-bridge/index.js';
import { startTestChain, type TestChain } from '../helpers/dev-chain.js';

let server: http.Server;
let origin: string;
/** The same routes over TLS, with a certificate made for the test (trusted through the policy's `ca`). */
let tlsServer: https.Server;
let tlsOrigin: string;
let tlsCertificate: string;
let chain: TestChain;
let client: PublicClient;
const requested: string[] = [];

const routes: Record<string, (res: http.ServerResponse) => void> = {
  '/ok.json': (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"Ok"}'),
  '/to-metadata-service': (res) =>
    res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
  '/to-loopback': (res) => res.writeHead(301, { location: 'http://127.0.0.1:9/secret' }).end(),
  '/declared-huge': (res) =>
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 50_000_000 }).end('{}'),
  '/streamed-huge': (res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"name":"${'x'.repeat(1_000_000)}"}`);
  },
  '/html': (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>'),
  '/never': () => undefined,
};

beforeAll(async () => {
  server = http.createServer((req, res) => {
    requested.push(req.url ?? '');
    const route = routes[req.url ?? ''];
    if (route) return route(res);
    if (req.url?.startsWith('/items/'))
      return res.writeHead(200, { 'content-type': 'application/json' }).end('{"name":"Item"}');
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = await tempDir('mib-tls-');
  const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  // Debian's openssl makes a throwaway certificate for 127.0.0.1 (nothing downloaded).
  execFileSync('openssl', [
    ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
    ...['-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'],
    ...['-addext', 'subjectAltName=IP:127.0.0.1'],
  ]);
  tlsCertificate = readFileSync(cert, 'utf8');
  tlsServer = https.createServer({ key: readFileSync(key), cert: tlsCertificate }, (req, res) => {
    const route = routes[req.url ?? ''];
    if (route) return route(res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  tlsOrigin = `https://127.0.0.1:${(tlsServer.address() as AddressInfo).port}`;
  chain = await startTestChain();
  client = createChainClient({
    id: 31337,
    name: 'test',
    rpcUrls: [chain.rpcUrl],
    confirmations: 2,
    logRange: 2000,
    timeoutMs: 5_000,
    contractKinds: {},
    collections: [],
    dev: true,
  });
});

afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  tlsServer?.closeAllConnections();
  tlsServer?.close();
  await chain?.stop();
});

const strict: SafeFetchPolicy = {
  allowPrivate: false,
  allowHttp: true,
  timeoutMs: 2_000,
  maxBytes: 64 * 1024,
  mediaTypes: ['application/json'],
  maxRedirects: 3,
};
/** As if the test server were the operator's own gateway: reached, but where it redirects is checked. */
const viaGateway = (): SafeFetchPolicy => ({ ...strict, trustedOrigins: [origin] });

describe('safe fetch', () => {
  it.each([
    'http://127.0.0.1/',
    'http://127.1/',
    'http://0x7f000001/',
    'http://2130706433/',
    'http://017700000001/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.8/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://[fd00::1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://0.0.0.0/',
    // Found by bench:security (ssrf): ipaddr.js calls these "unicast"; only 2000::/3 is.
    'http://[::127.0.0.1]/',
    'http://[::7f00:1]/',
    'http://[100::1]/',
  ])('refuses %s', async (url) => {
    await expect(safeFetch(url, strict)).rejects.toThrow(UnsafeFetchError);
  });

  it('refuses a hostname that resolves to a private address (and to any private one among several)', async () => {
    const resolve = (host: string) =>
      Promise.resolve(host === 'inside.example' ? ['10.20.30.40'] : ['93.184.216.34', '192.168.0.7']);
    await expect(safeFetch('http://inside.example/m.json', { ...strict, resolve })).rejects.toThrow(
      'inside.example is not fetched: 10.20.30.40 is a private address',
    );
    await expect(safeFetch('http://mixed.example/m.json', { ...strict, resolve })).rejects.toThrow(
      '192.168.0.7 is a private address',
    );
  });

  it('refuses plain http, credentials and other schemes unless allowed', async () => {
    await expect(safeFetch('http://example.com/', { ...strict, allowHttp: false })).rejects.toThrow(
      'only https',
    );
    await expect(safeFetch('https://user:pw@example.com/', strict)).rejects.toThrow('credentials');
    await expect(safeFetch('file:///etc/passwd', strict)).rejects.toThrow('not fetched');
  });

  it('checks where a redirect goes like the first URL', async () => {
    await expect(safeFetch(`${origin}/to-metadata-service`, viaGateway())).rejects.toThrow(
      '169.254.169.254 is a linkLocal address',
    );
    await expect(safeFetch(`${origin}/to-loopback`, viaGateway())).rejects.toThrow(
      '127.0.0.1 is a loopback address',
    );
  });

  it('checks where an https redirect goes too', async () => {
    const overTls = (): SafeFetchPolicy => ({ ...strict, trustedOrigins: [tlsOrigin], ca: tlsCertificate });
    // The TLS path itself works (the test's certificate trusted as an operator's CA would be)…
    const ok = await safeFetch(`${tlsOrigin}/ok.json`, overTls());
    expect(JSON.parse(ok.bytes.toString())).toEqual({ name: 'Ok' });
    // …and its redirects to the metadata service or loopback are refused like any URL.
    await expect(safeFetch(`${tlsOrigin}/to-metadata-service`, overTls())).rejects.toThrow(
      '169.254.169.254 is a linkLocal address',
    );
    await expect(safeFetch(`${tlsOrigin}/to-loopback`, overTls())).rejects.toThrow(
      '127.0.0.1 is a loopback address',
    );
    // Without the certificate trusted, the gateway's TLS is not accepted at all.
    await expect(safeFetch(`${tlsOrigin}/ok.json`, { ...overTls(), ca: undefined })).rejects.toThrow(
      /self[- ]signed|certificate/i,
    );
  });

  it('caps the size, declared or streamed, and checks the content type and time', async () => {
    await expect(safeFetch(`${origin}/declared-huge`, viaGateway())).rejects.toThrow(
      'over the 65536-byte cap',
    );
    await expect(safeFetch(`${origin}/streamed-huge`, viaGateway())).rejects.toThrow(
      'over the 65536-byte cap',
    );
    await expect(safeFetch(`${origin}/html`, viaGateway())).rejects.toThrow(
      'is text/html, not application/json',
    );
    await expect(safeFetch(`${origin}/never`, { ...viaGateway(), timeoutMs: 300 })).rejects.toThrow(
      'took longer than 300 ms',
    );
    const ok = await safeFetch(`${origin}/ok.json`, viaGateway());
    expect(JSON.parse(ok.bytes.toString())).toEqual({ name: 'Ok' });
  });
});

describe('token metadata', () => {
  const gateways = { ipfs: 'https://ipfs.example', arweave: 'https://ar.example/' };

  it('resolves ipfs://, ar:// and data: URIs', () => {
    expect(resolveUri('ipfs://bafy/1.json', gateways, 100)).toEqual({
      url: 'https://ipfs.example/ipfs/bafy/1.json',
    });
    expect(resolveUri('ipfs://ipfs/bafy/1', gateways, 100)).toEqual({
      url: 'https://ipfs.example/ipfs/bafy/1',
    });
    expect(resolveUri('ar://tx123', gateways, 100)).toEqual({ url: 'https://ar.example/tx123' });
    const data = resolveUri(
      `data:application/json;base64,${Buffer.from('{"a":1}').toString('base64')}`,
      gateways,
      100,
    );
    expect(data).toEqual({ data: Buffer.from('{"a":1}'), mediaType: 'application/json' });
    expect(() => resolveUri(`data:application/json,${'x'.repeat(500)}`, gateways, 100)).toThrow(
      'over the 100-byte cap',
    );
    expect(() => resolveUri('gopher://x', gateways, 100)).toThrow(MetadataError);
  });

  async function collection(baseUri: string): Promise<Address> {
    const address = await chain.deploy(contracts.DemoCollectibles, [baseUri]);
    await chain.send(0, {
      address,
      abi: contracts.DemoCollectibles.abi,
      functionName: 'mint',
      args: [devAccount(1).address, 1n],
    });
    return address;
  }

  it('reads an ERC-721 tokenURI and refuses one whose JSON is malformed', async () => {
    const policy = {
      allowPrivate: false,
      allowHttp: false,
      timeoutMs: 2_000,
      maxBytes: 4_096,
      maxRedirects: 0,
    };
    const good = await collection('data:application/json,{"name":"Token ');
    // baseURI + "1" → {"name":"Token 1 — still missing its end: malformed.
    await expect(
      readTokenMetadata(client, { contract: good, tokenId: 1n, kind: 'erc721' }, gateways, policy),
    ).rejects.toThrow(/is not JSON/);
    const list = await collection('data:application/json,'); // → the JSON number 1: not an object
    await expect(
      readTokenMetadata(client, { contract: list, tokenId: 1n, kind: 'erc721' }, gateways, policy),
    ).rejects.toThrow(MetadataError);
  }, 30_000);

  it('substitutes the 64-digit hex id into an ERC-1155 uri', async () => {
    const items = await chain.deploy(contracts.DemoItems, [`${origin}/items/{id}.json`]);
    const metadata = await readTokenMetadata(
      client,
      { contract: items, tokenId: 255n, kind: 'erc1155' },
      gateways,
      { allowPrivate: true, allowHttp: true, timeoutMs: 2_000, maxBytes: 4_096, maxRedirects: 0 },
    );
    expect(metadata.name).toBe('Item');
    expect(requested).toContain(`/items/${'0'.repeat(62)}ff.json`);
  }, 30_000);
});
