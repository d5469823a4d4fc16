/**
 * On the entry page: wear the default figure (its look is picked beside it) or one of your own avatars —
 * VRM 1.0 or rigged glTF uploads of your account (GET /library?profile=avatar) — and upload another here
 * (POST /assets?profile=avatar), following its processing to the pipeline's answer. A guest is told to
 * sign in first (uploads belong to accounts). The choice is kept for the next visit by the entry page.
 */
import { useEffect, useState, type ChangeEvent } from 'react';
import { guestAccessToken } from '../../shared/net/guest-session.js';
import { radioGroupKeys, radioTabIndex } from './radio-keys.js';

interface OwnAvatar {
  hash: string;
  name: string;
  thumbnailUrl: string | null;
}

interface LibraryItem {
  name: string;
  status: string;
  assetHash: string | null;
  thumbnailUrl: string | null;
}

interface JobAnswer {
  status: string;
  percent?: number;
  assetHash?: string | null;
  problems?: { message: string }[] | null;
  error?: string | null;
}

/** Polls an upload's job this often, in ms, until the pipeline answers. */
const POLL_MS = 700;

async function listOwnAvatars(token: string): Promise<OwnAvatar[]> {
  const response = await fetch('/library?profile=avatar&limit=50', {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`your avatars could not be listed (HTTP ${response.status})`);
  const { items } = (await response.json()) as { items: LibraryItem[] };
  return items
    .filter((item) => item.status === 'succeeded' && item.assetHash)
    .map((item) => ({ hash: item.assetHash!, name: item.name, thumbnailUrl: item.thumbnailUrl }));
}

/** Uploads a file as an avatar and waits for the pipeline; resolves to its hash or rejects with its reason. */
async function uploadAvatar(
  token: string,
  file: File,
  onPercent: (percent: number) => void,
): Promise<string> {
  const headers = { authorization: `Bearer ${token}` };
  const type = file.name.toLowerCase().endsWith('.zip')
    ? 'application/zip'
    : file.name.toLowerCase().endsWith('.gltf')
      ? 'model/gltf+json'
      : 'model/gltf-binary'; // .vrm and .glb are GLB files
  const name = encodeURIComponent(file.name.slice(0, 120));
  // fit: textures over the budget's size are scaled down rather than refused (VRoid exports 2048² atlases).
  const created = await fetch(`/assets?profile=avatar&fit=true&name=${name}`, {
    method: 'POST',
    headers: { ...headers, 'content-type': type },
    body: file,
  });
  const answer = (await created.json().catch(() => ({}))) as { id?: string; detail?: string };
  if (!created.ok || !answer.id)
    throw new Error(answer.detail ?? `the upload was refused (HTTP ${created.status})`);
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    const polled = await fetch(`/assets/jobs/${answer.id}`, { headers });
    if (!polled.ok) throw new Error(`the upload's progress could not be read (HTTP ${polled.status})`);
    const job = (await polled.json()) as JobAnswer;
    if (job.status === 'succeeded' && job.assetHash) return job.assetHash;
    if (job.status === 'rejected' || job.status === 'failed')
      throw new Error(job.problems?.[0]?.message ?? job.error ?? `the upload ${job.status}`);
    onPercent(job.percent ?? 0);
  }
}

export function AvatarChooser(props: {
  /** The chosen avatar's hash ('' = the default figure). */
  chosen: string;
  onChange: (hash: string) => void;
  /** Signed in with an account (else: a guest, who cannot upload). */
  signedIn: boolean;
}) {
  const { chosen, onChange, signedIn } = props;
  const [own, setOwn] = useState<OwnAvatar[]>([]);
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!signedIn) return;
    let live = true;
    void (async () => {
      const token = await guestAccessToken(window.location.origin, '');
      if (!token) return;
      const listed = await listOwnAvatars(token).catch((error: unknown) => {
        if (live) setStatus(error instanceof Error ? error.message : String(error));
        return [];
      });
      if (live) setOwn(listed);
    })();
    return () => {
      live = false;
    };
  }, [signedIn]);

  // A remembered avatar no longer in the library (deleted, or another account's) falls back to the default.
  useEffect(() => {
    if (signedIn && chosen && own.length > 0 && !own.some((avatar) => avatar.hash === chosen)) onChange('');
  }, [signedIn, chosen, own, onChange]);

  const upload = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setBusy(true);
    setStatus(`Uploading ${file.name}…`);
    try {
      const token = await guestAccessToken(window.location.origin, '');
      if (!token) throw new Error('sign in again to upload');
      const hash = await uploadAvatar(token, file, (percent) =>
        setStatus(`Preparing ${file.name}: ${Math.round(percent)} %`),
      );
      setOwn((list) => [
        { hash, name: file.name, thumbnailUrl: null },
        ...list.filter((avatar) => avatar.hash !== hash),
      ]);
      onChange(hash);
      setStatus(`${file.name} is ready and chosen.`);
    } catch (error) {
      setStatus(
        `${file.name} cannot be your avatar: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      setBusy(false);
    }
  };

  const options = ['', ...own.map((avatar) => avatar.hash)];
  return (
    <div className="avatar-chooser">
      <div
        className="look-row"
        role="radiogroup"
        aria-label="Your avatar"
        onKeyDown={radioGroupKeys(options, chosen, onChange)}
      >
        <span className="look-label">Your avatar</span>
        {options.map((hash) => {
          const avatar = own.find((entry) => entry.hash === hash);
          return (
            <button
              type="button"
              key={hash || 'default'}
              role="radio"
              aria-checked={hash === chosen}
              tabIndex={radioTabIndex(options, chosen, hash)}
              data-avatar={hash || 'default'}
              className={`look-choice ${hash === chosen ? 'chosen' : ''}`}
              onClick={() => onChange(hash)}
            >
              {avatar?.thumbnailUrl && <img className="avatar-thumbnail" src={avatar.thumbnailUrl} alt="" />}
              {avatar ? avatar.name.replace(/\.(vrm|glb|gltf|zip)$/i, '') : 'Default figure'}
            </button>
          );
        })}
      </div>
      {signedIn ? (
        <label className="avatar-upload">
          <span>Upload an avatar (VRM 1.0, or a rigged .glb with humanoid bone names)</span>
          <input
            type="file"
            accept=".vrm,.glb,.gltf,.zip"
            disabled={busy}
            onChange={(event) => void upload(event)}
          />
        </label>
      ) : (
        <p className="avatar-hint">Sign in to wear your own avatar (VRM 1.0 or a rigged glTF).</p>
      )}
      {status && (
        <p className="avatar-status" role="status">
          {status}
        </p>
      )}
    </div>
  );
}
