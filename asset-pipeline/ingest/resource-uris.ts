/**
 * What a glTF's `uri` fields may point at. Nothing is ever fetched: external schemes are refused,
 * paths must stay inside the upload, and data URIs are capped before they are decoded.
 */
import { AssetRejectedError, type AssetProblem } from '../errors.js';

interface GltfJsonWithUris {
  buffers?: { uri?: unknown }[];
  images?: { uri?: unknown }[];
}

/** A URI with a scheme (`http:`, `file:` …): never fetched. */
const SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Every `uri` of the glTF's buffers and images, with its JSON pointer. */
function uriReferences(json: GltfJsonWithUris): { uri: unknown; pointer: string }[] {
  return [
    ...(json.buffers ?? []).map((buffer, index) => ({ uri: buffer?.uri, pointer: `/buffers/${index}/uri` })),
    ...(json.images ?? []).map((image, index) => ({ uri: image?.uri, pointer: `/images/${index}/uri` })),
  ];
}

/** Resolves every external reference of `json` against `files` (paths relative to the glTF's folder). */
export function resolveResources(
  json: GltfJsonWithUris,
  files: ReadonlyMap<string, Uint8Array>,
  baseDir: string,
  maxDataUriBytes: number,
): Map<string, Uint8Array> {
  const problems: AssetProblem[] = [];
  const resources = new Map<string, Uint8Array>();
  for (const { uri, pointer } of uriReferences(json)) {
    if (uri === undefined) continue;
    if (typeof uri !== 'string') {
      problems.push({ code: 'URI_INVALID', message: `${pointer} must be a string`, pointer });
      continue;
    }
    if (uri.startsWith('data:')) {
      const comma = uri.indexOf(',');
      const payload = comma < 0 ? 0 : uri.length - comma - 1;
      const decoded = uri.slice(0, comma).endsWith(';base64') ? Math.floor((payload * 3) / 4) : payload;
      if (decoded > maxDataUriBytes) {
        problems.push({
          code: 'DATA_URI_TOO_LARGE',
          message: `${pointer} is a data URI of about ${decoded} bytes, over the ${maxDataUriBytes}-byte cap; store it as a file in a .glb or .zip instead`,
          pointer,
        });
      }
      continue;
    }
    if (SCHEME.test(uri) || uri.startsWith('//')) {
      problems.push({
        code: 'EXTERNAL_URI',
        message: `${pointer} points outside the upload (${uri.slice(0, 80)}); external URIs are never fetched — put the file in the upload (a .glb, or a .zip with the .gltf and its files)`,
        pointer,
      });
      continue;
    }
    let relative: string;
    try {
      relative = decodeURIComponent(uri);
    } catch {
      problems.push({
        code: 'URI_INVALID',
        message: `${pointer} is not a valid URI (bad % escape)`,
        pointer,
      });
      continue;
    }
    const joined = joinInside(baseDir, relative);
    if (joined === undefined) {
      problems.push({
        code: 'URI_PATH_ESCAPE',
        message: `${pointer} (${uri.slice(0, 80)}) leaves the upload's folder; paths must stay inside it, without "../" or a leading "/"`,
        pointer,
      });
      continue;
    }
    const file = files.get(joined);
    if (!file) {
      problems.push({
        code: 'MISSING_RESOURCE',
        message: `${pointer} names "${relative}", which is not in the upload; upload a .zip with the .gltf and every file it uses, or a .glb`,
        pointer,
      });
      continue;
    }
    resources.set(uri, file);
  }
  if (problems.length > 0) throw new AssetRejectedError(problems);
  return resources;
}

/**
 * The path, relative to the glTF's folder, of each file its `uri`s name (data URIs and external schemes
 * left out; paths that would leave the folder too — resolveResources refuses those).
 */
export function localResourcePaths(json: GltfJsonWithUris): string[] {
  const paths = new Set<string>();
  for (const { uri } of uriReferences(json)) {
    if (typeof uri !== 'string' || uri.startsWith('data:') || SCHEME.test(uri)) continue;
    try {
      const joined = joinInside('', decodeURIComponent(uri));
      if (joined) paths.add(joined);
    } catch {
      // a bad % escape: resolveResources names it
    }
  }
  return [...paths];
}

/** `base/relative` normalized, or undefined when it would leave `base` or is absolute. */
function joinInside(base: string, relative: string): string | undefined {
  if (relative.startsWith('/') || relative.startsWith('\\') || relative.includes('\0')) return undefined;
  const parts = base === '' ? [] : base.split('/');
  for (const part of relative.split(/[\\/]/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}
