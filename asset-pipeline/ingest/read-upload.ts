/**
 * Turns upload bytes (.glb, .gltf, or a .zip holding one of them with its files) into the glTF to
 * validate: its main file, its parsed JSON and its external resources. Rejects, with the fix, anything
 * that is not a glTF or that points outside itself; nothing large is decoded here.
 */
import path from 'node:path/posix';
import { reject } from '../errors.js';
import { isGlb, readGlbJsonText } from './glb-container.js';
import type { IngestLimits } from './ingest-limits.js';
import { resolveResources } from './resource-uris.js';
import { isZip, readZipEntries } from './zip-entries.js';

export interface IngestedGltf {
  format: 'glb' | 'gltf';
  /** The .glb bytes, or the .gltf JSON bytes. */
  main: Uint8Array;
  /** The parsed glTF JSON (untrusted: only its shape as JSON is known). */
  json: Record<string, unknown>;
  /** External files by the exact `uri` string the glTF uses. */
  resources: Map<string, Uint8Array>;
}

/**
 * `neighbours`: files beside a .gltf upload, by their path relative to it (the CLI reads them from disk;
 * an upload over HTTP has none — it sends a .glb or a .zip).
 */
export async function ingestUpload(
  bytes: Uint8Array,
  limits: IngestLimits,
  neighbours: ReadonlyMap<string, Uint8Array> = new Map(),
): Promise<IngestedGltf> {
  if (bytes.length === 0)
    reject('EMPTY_FILE', 'the upload is empty (0 bytes); choose the .glb, .gltf or .zip file again');
  if (isGlb(bytes)) return single('glb', bytes, limits, new Map());
  if (isZip(bytes)) return fromZip(bytes, limits);
  if (looksLikeJson(bytes)) return single('gltf', bytes, limits, neighbours);
  reject(
    'UNKNOWN_FORMAT',
    'the upload is not a glTF asset (no GLB "glTF" magic, not a zip, not glTF JSON); upload a .glb, a .gltf, or a .zip with a .gltf and its files',
  );
}

function single(
  format: 'glb' | 'gltf',
  bytes: Uint8Array,
  limits: IngestLimits,
  neighbours: ReadonlyMap<string, Uint8Array>,
): IngestedGltf {
  const json = parseJson(format === 'glb' ? readGlbJsonText(bytes) : new TextDecoder().decode(bytes));
  const resources = resolveResources(json, neighbours, '', limits.maxDataUriBytes);
  return { format, main: bytes, json, resources };
}

async function fromZip(bytes: Uint8Array, limits: IngestLimits): Promise<IngestedGltf> {
  const files = await readZipEntries(bytes, limits);
  const mains = [...files.keys()].filter((name) => /\.(gltf|glb)$/i.test(name));
  if (mains.length === 0)
    reject('ZIP_NO_GLTF', 'the zip holds no .gltf or .glb file; add the model to the zip');
  if (mains.length > 1) {
    reject(
      'ZIP_SEVERAL_GLTF',
      `the zip holds ${mains.length} models (${mains.slice(0, 4).join(', ')}); upload one model per zip`,
    );
  }
  const name = mains[0] as string;
  const main = files.get(name) as Uint8Array;
  const format = name.toLowerCase().endsWith('.glb') ? 'glb' : 'gltf';
  if (format === 'glb' && !isGlb(main))
    reject('UNKNOWN_FORMAT', `${name} in the zip is not a GLB (no "glTF" magic)`);
  const json = parseJson(format === 'glb' ? readGlbJsonText(main) : new TextDecoder().decode(main));
  const baseDir = path.dirname(name) === '.' ? '' : path.dirname(name);
  const resources = resolveResources(json, files, baseDir, limits.maxDataUriBytes);
  return { format, main, json, resources };
}

/** Whether the bytes start (after a BOM and whitespace) with "{", as glTF JSON does. */
export function looksLikeJson(bytes: Uint8Array): boolean {
  for (let index = 0; index < Math.min(bytes.length, 64); index += 1) {
    const byte = bytes[index] as number;
    if (
      byte === 0xef ||
      byte === 0xbb ||
      byte === 0xbf ||
      byte === 0x20 ||
      byte === 0x0a ||
      byte === 0x0d ||
      byte === 0x09
    )
      continue;
    return byte === 0x7b; // "{"
  }
  return false;
}

function parseJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    reject(
      'INVALID_JSON',
      `the glTF JSON is not valid JSON (${(error as Error).message}); re-export the model`,
    );
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    reject('INVALID_JSON', 'the glTF JSON must be an object with an "asset" field; re-export the model');
  }
  return value as Record<string, unknown>;
}
