/**
 * A world's entry page (`/w/<slug>`): what the world is and who is in it, a name and colour for guests
 * (a signed-in visitor enters under the account's name), the avatar — the default figure's look for
 * everyone, or a signed-in visitor's own uploaded avatar (both kept for the next visit) — sign-in, and Join. A world the visitor may not
 * see (private, or no such world) says so and offers sign-in; the world itself says why a join is refused
 * (banned, a token gate, full) once Join is pressed.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { formatAppearance, parseAppearance, type JoinOptions } from '../../../../protocol/index.js';
import { App } from './App.js';
import { GUEST_COLOURS } from '../../shared/world/join-options.js';
import { guestAccessToken, signedInAs } from '../../shared/net/guest-session.js';
import { AvatarChooser, LookPicker, SignInPanel } from './on-demand.js';
import { radioGroupKeys, radioTabIndex } from './radio-keys.js';
import type { WorldStore } from '../../shared/world/world-store.js';

interface WorldInfo {
  name: string;
  description: string;
  population: number;
  capacity: number;
  publishedVersion: number | null;
  /** The world's thumbnail (content hash), shown above its name. */
  thumbnailAsset: string | null;
}

type InfoState =
  { kind: 'loading' } | { kind: 'found'; world: WorldInfo } | { kind: 'problem'; text: string };

/** What a screen reader says for each guest colour (GUEST_COLOURS). */
const COLOUR_NAMES: Record<string, string> = {
  '#e6194b': 'Red',
  '#3cb44b': 'Green',
  '#ffe119': 'Yellow',
  '#4363d8': 'Blue',
  '#f58231': 'Orange',
  '#911eb4': 'Purple',
  '#42d4f4': 'Cyan',
  '#f032e6': 'Magenta',
};

const NAME_KEY = 'mib.guest-name';
const LOOK_KEY = 'mib.look';
const AVATAR_KEY = 'mib.avatar';

/** Remembers a choice for the next visit (storage off: for this visit only). */
function remember(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // storage off
  }
}

export function EntryPage({ slug, store }: { slug: string; store: WorldStore }) {
  const account = signedInAs();
  const [info, setInfo] = useState<InfoState>({ kind: 'loading' });
  const [name, setName] = useState(
    () => localStorage.getItem(NAME_KEY) ?? `Guest ${Math.floor(1000 + Math.random() * 9000)}`,
  );
  const [color, setColor] = useState(GUEST_COLOURS[0]!);
  const [look, setLook] = useState(() => parseAppearance(localStorage.getItem(LOOK_KEY) ?? ''));
  const [avatarModel, setAvatarModel] = useState(() =>
    account ? (localStorage.getItem(AVATAR_KEY) ?? '') : '',
  );
  const [joining, setJoining] = useState<JoinOptions | null>(null);
  const [signingIn, setSigningIn] = useState(false);

  useEffect(() => {
    let live = true;
    void (async () => {
      // Signed in, the account's own view (a private world it may visit); a guest sees public worlds.
      const token = account ? await guestAccessToken(window.location.origin, name) : null;
      const response = await fetch(`/worlds/${slug}`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      }).catch(() => undefined);
      if (!live) return;
      if (!response)
        setInfo({ kind: 'problem', text: 'The server cannot be reached. Check your connection and reload.' });
      else if (response.status === 404 || response.status === 401)
        setInfo({
          kind: 'problem',
          text: account
            ? `There is no world "${slug}" that ${account} may visit.`
            : `There is no public world "${slug}". If it is private, sign in with an account that may visit it.`,
        });
      else if (!response.ok)
        setInfo({ kind: 'problem', text: `The world could not be read (HTTP ${response.status}).` });
      else setInfo({ kind: 'found', world: (await response.json()) as WorldInfo });
    })();
    return () => {
      live = false;
    };
    // Read once per page: the name typed does not change which world this is.
  }, [slug]);

  if (joining) return <App store={store} joinOptions={joining} />;

  const join = (event: FormEvent) => {
    event.preventDefault();
    const chosen = name.trim() || 'Guest';
    const appearance = formatAppearance(look);
    remember(NAME_KEY, chosen);
    remember(LOOK_KEY, appearance);
    remember(AVATAR_KEY, avatarModel);
    setJoining({
      world: slug,
      name: chosen.slice(0, 32),
      color,
      appearance,
      ...(avatarModel && { avatarModel }),
    });
  };
  return (
    <div className="entry">
      <form className="entry-card" onSubmit={join}>
        {info.kind === 'loading' && <div className="entry-title">Finding the world…</div>}
        {info.kind === 'problem' && (
          <div className="entry-problem" role="alert">
            {info.text}
          </div>
        )}
        {info.kind === 'found' && (
          <>
            {info.world.thumbnailAsset && (
              <img
                className="entry-thumbnail"
                src={`/assets/files/${info.world.thumbnailAsset}`}
                alt={`A view of ${info.world.name}`}
              />
            )}
            <h1 className="entry-title">{info.world.name}</h1>
            {info.world.description && <p className="entry-description">{info.world.description}</p>}
            <div className="entry-population">
              {info.world.population === 0 ? 'Nobody here yet' : `${info.world.population} here now`} · up to{' '}
              {info.world.capacity} per instance
            </div>
          </>
        )}
        {account ? (
          <div className="entry-account">You enter as {account}.</div>
        ) : (
          <>
            <label>
              Your name
              <input
                name="name"
                maxLength={32}
                required
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            </label>
            <div
              className="entry-colours"
              role="radiogroup"
              aria-label="Your colour"
              onKeyDown={radioGroupKeys(GUEST_COLOURS, color, setColor)}
            >
              {GUEST_COLOURS.map((swatch) => (
                <button
                  type="button"
                  key={swatch}
                  role="radio"
                  aria-checked={swatch === color}
                  aria-label={COLOUR_NAMES[swatch] ?? swatch}
                  tabIndex={radioTabIndex(GUEST_COLOURS, color, swatch)}
                  className={`swatch ${swatch === color ? 'chosen' : ''}`}
                  style={{ background: swatch }}
                  onClick={() => setColor(swatch)}
                />
              ))}
            </div>
          </>
        )}
        <AvatarChooser chosen={avatarModel} onChange={setAvatarModel} signedIn={account !== null} />
        <LookPicker look={look} color={color} onChange={setLook} />
        <div className="entry-actions">
          <button type="submit" className="entry-join" disabled={info.kind !== 'found'}>
            Join
          </button>
          <button type="button" className="entry-sign-in" onClick={() => setSigningIn(!signingIn)}>
            {account ? 'Account' : 'Sign in'}
          </button>
        </div>
      </form>
      {signingIn && <SignInPanel onDone={() => window.location.reload()} />}
    </div>
  );
}
