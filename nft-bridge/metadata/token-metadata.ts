/**
 * A token's metadata: its URI from the contract (ERC-721 tokenURI, ERC-1155 uri with `{id}` replaced by
 * the 64-digit hex id), resolved through the operator's gateways (`ipfs://`, `ar://`), `data:` decoded
 * in place, anything else fetched under the safe-fetch policy. The document must be a JSON object; `name`,
 * `image` and `animation_url` are what the worlds use.
 */
import type { Address, PublicClient } from 'viem';
import { z } from 'zod';
import { erc1155Abi, erc721Abi, type TokenKind } from '../ownership/token-standards.js';
import { UnsafeFetchError, safeFetch, type SafeFetchPolicy } from './safe-fetch.js';

export interface Gateways {
  /** e.g. https://ipfs.io — ipfs://CID/path becomes <ipfs>/ipfs/CID/path */
  ipfs: string;
  /** e.g. https://arweave.net — ar://TX becomes <arweave>/TX */
  arweave: string;
  /** PEM certificates trusted for https besides the system's (a gateway behind the operator's own CA). */
  ca?: string;
}

export class MetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MetadataError';
  }
}

const metadataSchema = z.looseObject({
  name: z.string().max(200).optional(),
  description: z.string().max(10_000).optional(),
  image: z.string().max(100_000).optional(),
  animation_url: z.string().max(100_000).optional(),
  /** OpenSea's attribute list; a malformed one is dropped, not a reason to refuse the document. */
  attributes: z.array(z.looseObject({})).max(200).optional().catch(undefined),
});
export type TokenMetadata = z.output<typeof metadataSchema>;

/** An http(s) URL to fetch, or the bytes of a data: URI. */
export type ResolvedUri = { url: string } | { data: Buffer; mediaType: string };

export function resolveUri(uri: string, gateways: Gateways, maxDataBytes: number): ResolvedUri {
  const trimmed = uri.trim();
  if (trimmed.startsWith('data:')) {
    const match = /^data:([^;,]*)((?:;[^;,]*)*),(.*)$/s.exec(trimmed);
    if (!match) throw new MetadataError('a data: URI without a comma is malformed');
    const base64 = match[2]!.split(';').includes('base64');
    if (match[3]!.length > maxDataBytes * 2)
      throw new MetadataError(`a data: URI over the ${maxDataBytes}-byte cap`);
    const data = base64 ? Buffer.from(match[3]!, 'base64') : Buffer.from(decodeURIComponent(match[3]!));
    if (data.length > maxDataBytes) throw new MetadataError(`a data: URI over the ${maxDataBytes}-byte cap`);
    return { data, mediaType: (match[1] || 'text/plain').toLowerCase() };
  }
  if (trimmed.startsWith('ipfs://')) {
    const path = trimmed.slice('ipfs://'.length).replace(/^ipfs\//, '');
    return { url: `${gateways.ipfs.replace(/\/$/, '')}/ipfs/${path}` };
  }
  if (trimmed.startsWith('ar://'))
    return { url: `${gateways.arweave.replace(/\/$/, '')}/${trimmed.slice('ar://'.length)}` };
  if (/^https?:\/\//i.test(trimmed)) return { url: trimmed };
  throw new MetadataError(`"${trimmed.slice(0, 60)}" is not an https, ipfs, ar or data URI`);
}

/** Fetches (or decodes) what `uri` points at, accepting `mediaTypes`. */
export async function fetchUri(
  uri: string,
  gateways: Gateways,
  policy: SafeFetchPolicy,
): Promise<{ bytes: Buffer; mediaType: string }> {
  const resolved = resolveUri(uri, gateways, policy.maxBytes);
  if ('data' in resolved) {
    const mediaType = resolved.mediaType.split(';')[0]!;
    if (!policy.mediaTypes.includes(mediaType))
      throw new UnsafeFetchError(`a data: URI of ${mediaType}, not ${policy.mediaTypes.join(' or ')}`);
    return { bytes: resolved.data, mediaType };
  }
  return safeFetch(resolved.url, policy);
}

export const METADATA_MEDIA_TYPES = ['application/json', 'text/json', 'text/plain'];

export async function readTokenMetadata(
  client: PublicClient,
  token: { contract: Address; tokenId: bigint; kind: TokenKind },
  gateways: Gateways,
  policy: Omit<SafeFetchPolicy, 'mediaTypes'>,
): Promise<TokenMetadata> {
  const uri =
    token.kind === 'erc721'
      ? await client.readContract({
          address: token.contract,
          abi: erc721Abi,
          functionName: 'tokenURI',
          args: [token.tokenId],
        })
      : (
          await client.readContract({
            address: token.contract,
            abi: erc1155Abi,
            functionName: 'uri',
            args: [token.tokenId],
          })
        ).replaceAll('{id}', token.tokenId.toString(16).padStart(64, '0'));
  const { bytes } = await fetchUri(uri, gateways, { ...policy, mediaTypes: METADATA_MEDIA_TYPES });
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    throw new MetadataError(`the metadata at ${uri.slice(0, 120)} is not JSON (${(error as Error).message})`);
  }
  const parsed = metadataSchema.safeParse(json);
  if (!parsed.success)
    throw new MetadataError(
      `the metadata at ${uri.slice(0, 120)} is not an ERC-721/1155 metadata object: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}
