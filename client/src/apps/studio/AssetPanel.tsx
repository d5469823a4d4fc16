/**
 * The world's assets in the editor: upload a model (.glb, .gltf or a .zip of a .gltf and its files) with
 * its profile, or an HDR sky (.exr or .hdr: always profile environment, shrunk to its budget) — a bar for the bytes sent, then the pipeline's stage and percent — and see why one was
 * refused, in the pipeline's words; browse and search the world's library (or your own uploads) with
 * thumbnails and weights; place a processed model in the scene, or drag it onto the viewport; light the
 * scene with an environment ("Use as sky"). Files dropped
 * on the panel (or on the viewport: `incoming`) upload the same way; one dropped on the viewport is placed
 * where it was dropped once processed.
 */
import { useEffect, useRef, useState, type DragEvent } from 'react';
import { libraryList } from '../../shared/api/generated/sdk.gen.js';
import type { LibraryAsset } from '../../shared/api/generated/types.gen.js';
import { accountAccessToken } from '../../shared/net/guest-session.js';
import { ORIGIN, problemText, studioClient } from './studio-api.js';

const PROFILES = ['prop', 'scene', 'hero', 'wearable', 'avatar'] as const;
const MEDIA_TYPES: Record<string, string> = {
  glb: 'model/gltf-binary',
  gltf: 'model/gltf+json',
  zip: 'application/zip',
  exr: 'image/x-exr',
  hdr: 'image/vnd.radiance',
};
/** HDR images: uploaded as environments whatever the profile menu says. */
const ENVIRONMENT_EXTENSIONS = new Set(['exr', 'hdr']);
/** The drag type of a library asset dragged towards the viewport: JSON `{ hash, name }`. */
export const ASSET_DRAG_TYPE = 'application/x-metaverse-in-a-box-asset';

/** A file handed to the panel from elsewhere (dropped on the viewport), and where to place it. */
export interface IncomingFile {
  file: File;
  at?: [number, number, number];
}

/** How often a running upload's job is read, in ms. */
const JOB_POLL_MS = 500;

type Upload =
  | { phase: 'sending'; name: string; percent: number }
  | { phase: 'processing'; name: string; stage: string; percent: number }
  | { phase: 'done'; name: string }
  | { phase: 'refused'; name: string; reason: string };

/** Sends the file with progress (fetch has no upload progress); resolves to the answer's status and JSON. */
function send(url: string, token: string, file: File, onProgress: (percent: number) => void) {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', url);
    request.setRequestHeader('authorization', `Bearer ${token}`);
    request.setRequestHeader(
      'content-type',
      MEDIA_TYPES[file.name.split('.').pop()!.toLowerCase()] ?? 'application/octet-stream',
    );
    request.upload.onprogress = (event) =>
      event.lengthComputable && onProgress((100 * event.loaded) / event.total);
    request.onload = () => {
      let body: unknown = null;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        // not JSON: the status says enough
      }
      resolve({ status: request.status, body });
    };
    request.onerror = () => reject(new Error('the server could not be reached'));
    request.send(file);
  });
}

export function AssetPanel({
  slug,
  canEdit,
  onPlace,
  onUseAsSky,
  onProcessed,
  incoming,
}: {
  slug: string;
  canEdit: boolean;
  onPlace: (asset: LibraryAsset) => void;
  /** Light the scene with this environment and draw it as the sky. */
  onUseAsSky: (asset: LibraryAsset) => void;
  /** An upload finished processing (the pickers offer it from now on); `at` as given with `incoming`. */
  onProcessed?: (asset: { hash: string; name: string }, at?: [number, number, number]) => void;
  incoming?: IncomingFile | null;
}) {
  const [scope, setScope] = useState<'world' | 'mine'>('world');
  const [items, setItems] = useState<LibraryAsset[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [profile, setProfile] = useState<(typeof PROFILES)[number]>('prop');
  const [upload, setUpload] = useState<Upload | null>(null);
  const [refresh, setRefresh] = useState(0);
  const [query, setQuery] = useState('');
  const [dropping, setDropping] = useState(false);

  useEffect(() => {
    let live = true;
    void (async () => {
      const client = await studioClient();
      if (!client) return;
      const { data, error, response } = await libraryList({
        client,
        query: scope === 'world' ? { world: slug, limit: 100 } : { limit: 100 },
      });
      if (!live) return;
      if (data) setItems(data.items);
      else setProblem(problemText(error, response, 'list the assets'));
    })();
    return () => {
      live = false;
    };
  }, [slug, scope, refresh]);

  const start = async (file: File, at?: [number, number, number]) => {
    const extension = file.name.split('.').pop()?.toLowerCase() ?? '';
    if (!MEDIA_TYPES[extension])
      return setUpload({
        phase: 'refused',
        name: file.name,
        reason: 'upload a .glb, a .gltf, or a .zip of a .gltf and its files — or an .exr or .hdr sky',
      });
    const token = await accountAccessToken(ORIGIN);
    if (!token)
      return setUpload({ phase: 'refused', name: file.name, reason: 'your session ended; sign in again' });
    setUpload({ phase: 'sending', name: file.name, percent: 0 });
    const environment = ENVIRONMENT_EXTENSIONS.has(extension);
    const query = new URLSearchParams({
      profile: environment ? 'environment' : profile,
      name: file.name,
      world: slug,
      // A panorama larger than the budget (a 4K or 8K HDRI) is shrunk to it rather than refused.
      ...(environment && { fit: 'true' }),
    });
    const answer = await send(`${ORIGIN}/assets?${query.toString()}`, token, file, (percent) =>
      setUpload({ phase: 'sending', name: file.name, percent }),
    ).catch((error: unknown) => ({ status: 0, body: { detail: (error as Error).message } }));
    const body = answer.body as { id?: string; detail?: string } | null;
    if (answer.status !== 202 || !body?.id)
      return setUpload({
        phase: 'refused',
        name: file.name,
        reason: body?.detail ?? `the server answered ${answer.status}`,
      });
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
      const job = (await (
        await fetch(`${ORIGIN}/assets/jobs/${body.id}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as {
        status: string;
        assetHash: string | null;
        stage: string | null;
        percent: number;
        problems: { message: string }[] | null;
        error: string | null;
      };
      if (job.status === 'succeeded') {
        setUpload({ phase: 'done', name: file.name });
        setRefresh((n) => n + 1);
        if (job.assetHash)
          onProcessed?.(
            { hash: job.assetHash, name: file.name.replace(/\.[^.]+$/, '') },
            environment ? undefined : at,
          );
        return;
      }
      if (job.status === 'rejected' || job.status === 'failed')
        return setUpload({
          phase: 'refused',
          name: file.name,
          reason: job.problems?.[0]?.message ?? job.error ?? `the upload was ${job.status}`,
        });
      setUpload({ phase: 'processing', name: file.name, stage: job.stage ?? 'queued', percent: job.percent });
    }
  };

  // A file dropped on the viewport: upload it here (each handed over once).
  const taken = useRef<IncomingFile | null>(null);
  useEffect(() => {
    if (!incoming || taken.current === incoming || !canEdit) return;
    taken.current = incoming;
    void start(incoming.file, incoming.at);
  });

  const dropFiles = (event: DragEvent) => {
    if (!canEdit || !event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    setDropping(false);
    for (const file of event.dataTransfer.files) void start(file);
  };
  const needle = query.trim().toLowerCase();
  const shown = (items ?? []).filter(
    (item) =>
      !needle || item.name.toLowerCase().includes(needle) || item.tags.some((t) => t.includes(needle)),
  );

  return (
    <section
      className={`studio-assets${dropping ? ' dropping' : ''}`}
      aria-label="Assets"
      onDragOver={(event) => {
        if (!canEdit || !event.dataTransfer.types.includes('Files')) return;
        event.preventDefault();
        setDropping(true);
      }}
      onDragLeave={() => setDropping(false)}
      onDrop={dropFiles}
    >
      <h2>Assets</h2>
      <div className="studio-tabs" role="tablist">
        {(['world', 'mine'] as const).map((tab) => (
          <button
            key={tab}
            type="button"
            role="tab"
            aria-selected={scope === tab}
            className={scope === tab ? 'active' : ''}
            onClick={() => setScope(tab)}
          >
            {tab === 'world' ? 'This world' : 'My uploads'}
          </button>
        ))}
      </div>
      {canEdit && (
        <div className="studio-upload">
          <select
            aria-label="Profile"
            value={profile}
            onChange={(event) => setProfile(event.target.value as typeof profile)}
          >
            {PROFILES.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
          <label
            className="studio-file"
            title="Or drop .glb, .gltf or .zip files (or an .exr or .hdr sky) on this panel or the viewport"
          >
            Upload a model or sky
            <input
              type="file"
              accept=".glb,.gltf,.zip,.exr,.hdr"
              onChange={(event) => {
                const file = event.target.files?.[0];
                if (file) void start(file);
                event.target.value = '';
              }}
            />
          </label>
        </div>
      )}
      {upload && (upload.phase === 'sending' || upload.phase === 'processing') && (
        <progress
          className="studio-upload-progress"
          max={100}
          value={upload.percent}
          aria-label={upload.phase === 'sending' ? 'Bytes sent' : `Processing: ${upload.stage}`}
        />
      )}
      {upload && (
        <p role="status" className={upload.phase === 'refused' ? 'studio-problem' : ''}>
          {upload.phase === 'sending'
            ? `Sending ${upload.name}… ${Math.round(upload.percent)} %`
            : upload.phase === 'processing'
              ? `${upload.name}: ${upload.stage} ${upload.percent} %`
              : upload.phase === 'done'
                ? `${upload.name} is ready.`
                : `${upload.name} was not accepted: ${upload.reason}`}
        </p>
      )}
      {problem && <p className="studio-problem">{problem}</p>}
      <input
        type="search"
        aria-label="Search assets"
        placeholder="Search by name or tag"
        value={query}
        onChange={(event) => setQuery(event.target.value)}
      />
      <ul className="studio-asset-list">
        {shown.map((item) => (
          <li
            key={item.id}
            draggable={canEdit && item.assetHash !== null}
            title={item.assetHash ? 'Drag onto the viewport to place it on a surface' : undefined}
            onDragStart={(event) => {
              if (!item.assetHash) return;
              event.dataTransfer.setData(
                ASSET_DRAG_TYPE,
                JSON.stringify({ hash: item.assetHash, name: item.name }),
              );
              event.dataTransfer.effectAllowed = 'copy';
            }}
          >
            {item.thumbnailUrl ? (
              <img src={item.thumbnailUrl} alt="" width={48} height={48} />
            ) : (
              <span className="studio-thumb" />
            )}
            <span>
              <strong>{item.name}</strong>
              <small>
                {item.status !== 'succeeded'
                  ? `${item.status} ${item.percent} %`
                  : item.profile === 'environment'
                    ? `environment (HDR sky) · ${formatBytes(item.measures?.bytes ?? 0)}`
                    : `${item.profile} · ${(item.measures?.triangles ?? 0).toLocaleString('en')} triangles`}
              </small>
            </span>
            {canEdit && item.status === 'succeeded' && item.assetHash && (
              <button
                type="button"
                onClick={() => (item.profile === 'environment' ? onUseAsSky(item) : onPlace(item))}
              >
                {item.profile === 'environment' ? 'Use as sky' : 'Place'}
              </button>
            )}
          </li>
        ))}
        {items?.length === 0 && <li className="studio-empty">No assets here yet: upload or drop a model.</li>}
        {items !== null && items.length > 0 && shown.length === 0 && (
          <li className="studio-empty">No asset is named or tagged like “{query}”.</li>
        )}
      </ul>
    </section>
  );
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.round(bytes / 1024)} kB`;
}
