/**
 * The world's settings (owners): name, description, visibility, capacity, voice mode, camera and screen
 * sharing — saved together; the thumbnail set from what the viewport shows now (or drawn by the server);
 * and the token gate, the NFT a visitor must hold to enter (a contract, optionally one token or a balance).
 */
import { useEffect, useState, type FormEvent } from 'react';
import {
  nftClearGate,
  nftGate,
  nftSetGate,
  worldThumbnailsRender,
  worldsUpdate,
} from '../../../shared/api/generated/sdk.gen.js';
import type { TokenGate, World } from '../../../shared/api/generated/types.gen.js';
import { ORIGIN } from '../studio-api.js';
import { accountAccessToken } from '../../../shared/net/guest-session.js';
import { Problem, useCall } from './use-call.js';

type Settings = Pick<
  World,
  'name' | 'description' | 'visibility' | 'capacity' | 'voiceMode' | 'allowCamera' | 'allowScreenShare'
>;

function ThumbnailSection({
  slug,
  hasOne,
  snapshot,
}: {
  slug: string;
  /** Whether the world has a thumbnail yet (none: nothing to show, no request that would 404). */
  hasOne: boolean;
  snapshot: () => Promise<Blob | null>;
}) {
  const { call, problem, busy } = useCall();
  const [version, setVersion] = useState(hasOne ? 0 : -1);
  const [note, setNote] = useState<string | null>(null);
  const fromViewport = async () => {
    const image = await snapshot();
    if (!image) return setNote('The viewport has nothing drawn yet; wait for it, then try again.');
    const token = await accountAccessToken(ORIGIN);
    const response = await fetch(`${ORIGIN}/worlds/${slug}/thumbnail`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token ?? ''}`, 'content-type': 'image/png' },
      body: image,
    }).catch(() => null);
    if (!response?.ok) {
      const detail = ((await response?.json().catch(() => null)) as { detail?: string } | null)?.detail;
      return setNote(`The thumbnail was not set: ${detail ?? 'the server did not answer'}.`);
    }
    setNote('The thumbnail is now what the viewport shows.');
    setVersion((n) => Math.max(0, n + 1));
  };
  const rendered = async () => {
    const done = await call('draw a thumbnail', (client) =>
      worldThumbnailsRender({ client, path: { slug }, body: { from: 'draft' } }),
    );
    if (done !== undefined) {
      setNote('The server drew the saved draft as the thumbnail.');
      setVersion((n) => Math.max(0, n + 1));
    }
  };
  return (
    <section aria-label="Thumbnail">
      <h3>Thumbnail</h3>
      {version < 0 ? (
        <p className="studio-empty">No thumbnail yet: the world’s page and embeds show a plain card.</p>
      ) : (
        <img
          className="studio-thumbnail"
          src={`${ORIGIN}/worlds/${slug}/thumbnail?v=${version}`}
          alt="The world's thumbnail"
          onError={(event) => (event.currentTarget.style.visibility = 'hidden')}
          onLoad={(event) => (event.currentTarget.style.visibility = 'visible')}
        />
      )}
      <div className="studio-row">
        <button type="button" onClick={() => void fromViewport()}>
          Use the viewport’s view
        </button>
        <button type="button" disabled={busy} onClick={() => void rendered()}>
          Let the server draw the draft
        </button>
      </div>
      {note && <p role="status">{note}</p>}
      <Problem text={problem} />
    </section>
  );
}

function GateSection({ slug }: { slug: string }) {
  const { call, problem, busy } = useCall();
  const [gate, setGate] = useState<TokenGate | null>(null);
  const [form, setForm] = useState({ chainId: '1', contract: '', tokenId: '', minBalance: '', label: '' });
  const load = async () => {
    const read = await call('read the token gate', (client) => nftGate({ client, path: { slug } }));
    if (read !== undefined) setGate(read);
  };
  useEffect(() => void load(), [slug]);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const body = {
      chainId: Number(form.chainId),
      contract: form.contract.trim(),
      ...(form.tokenId.trim() && { tokenId: form.tokenId.trim() }),
      ...(form.minBalance.trim() && { minBalance: form.minBalance.trim() }),
      ...(form.label.trim() && { label: form.label.trim() }),
    };
    if (
      (await call('set the token gate', (client) => nftSetGate({ client, path: { slug }, body }))) !==
      undefined
    )
      await load();
  };
  const clear = async () => {
    if (
      (await call('remove the token gate', (client) => nftClearGate({ client, path: { slug } }))) !==
      undefined
    )
      await load();
  };
  const field = (key: keyof typeof form, label: string, placeholder = '') => (
    <label>
      {label}
      <input
        value={form[key]}
        placeholder={placeholder}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </label>
  );
  return (
    <section aria-label="Token gate">
      <h3>Token gate</h3>
      <p>{gate?.needs ? `Visitors need ${gate.needs}.` : 'Anyone the visibility allows may enter.'}</p>
      {gate?.needs && (
        <button type="button" disabled={busy} onClick={() => void clear()}>
          Remove the gate
        </button>
      )}
      <form className="studio-form" onSubmit={(e) => void save(e)}>
        {field('chainId', 'Chain id', '1')}
        {field('contract', 'Contract', '0x…')}
        {field('tokenId', 'Token id (optional: this very token)')}
        {field('minBalance', 'Least balance (optional)')}
        {field('label', 'What to call it (optional)')}
        <button type="submit" disabled={busy}>
          Set the gate
        </button>
      </form>
      <Problem text={problem} />
    </section>
  );
}

export function WorldSettingsPanel({
  world,
  onSaved,
  snapshot,
}: {
  world: World;
  onSaved: (world: World) => void;
  snapshot: () => Promise<Blob | null>;
}) {
  const { call, problem, busy } = useCall();
  const [settings, setSettings] = useState<Settings>(() => ({
    name: world.name,
    description: world.description,
    visibility: world.visibility,
    capacity: world.capacity,
    voiceMode: world.voiceMode,
    allowCamera: world.allowCamera,
    allowScreenShare: world.allowScreenShare,
  }));
  const [saved, setSaved] = useState(false);
  const set = <K extends keyof Settings>(key: K, value: Settings[K]) => {
    setSaved(false);
    setSettings({ ...settings, [key]: value });
  };
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const updated = await call('save the settings', (client) =>
      worldsUpdate({ client, path: { slug: world.slug }, body: settings }),
    );
    if (updated) {
      onSaved(updated);
      setSaved(true);
    }
  };
  return (
    <div className="studio-admin">
      <form className="studio-form" aria-label="World settings" onSubmit={(e) => void save(e)}>
        <label>
          Name
          <input
            required
            maxLength={120}
            value={settings.name}
            onChange={(e) => set('name', e.target.value)}
          />
        </label>
        <label>
          Description
          <textarea
            maxLength={2000}
            value={settings.description}
            onChange={(e) => set('description', e.target.value)}
          />
        </label>
        <label>
          Visibility
          <select
            value={settings.visibility}
            onChange={(e) => set('visibility', e.target.value as Settings['visibility'])}
          >
            <option value="public">Public: listed, anyone may enter</option>
            <option value="unlisted">Unlisted: anyone with the link</option>
            <option value="private">Private: members only</option>
          </select>
        </label>
        <label>
          Capacity (visitors per instance)
          <input
            type="number"
            min={1}
            value={settings.capacity}
            onChange={(e) => set('capacity', Number(e.target.value))}
          />
        </label>
        <label>
          Voice
          <select
            value={settings.voiceMode}
            onChange={(e) => set('voiceMode', e.target.value as Settings['voiceMode'])}
          >
            <option value="proximity">Proximity: hear who is near</option>
            <option value="global">Global: everyone hears everyone</option>
            <option value="off">Off</option>
          </select>
        </label>
        <label className="studio-check">
          <input
            type="checkbox"
            checked={settings.allowCamera}
            onChange={(e) => set('allowCamera', e.target.checked)}
          />
          Visitors may turn on their camera
        </label>
        <label className="studio-check">
          <input
            type="checkbox"
            checked={settings.allowScreenShare}
            onChange={(e) => set('allowScreenShare', e.target.checked)}
          />
          Visitors may share their screen
        </label>
        <button type="submit" className="primary" disabled={busy}>
          Save settings
        </button>
        {saved && <p role="status">Settings saved; running instances use them now.</p>}
        <Problem text={problem} />
      </form>
      <ThumbnailSection slug={world.slug} hasOne={world.thumbnailAsset !== null} snapshot={snapshot} />
      <GateSection slug={world.slug} />
    </div>
  );
}
