/**
 * Share / Embed (owners): pick or make an embed key for the sites that will show the world, choose how the
 * widget starts, and copy the two-line snippet (or a plain iframe) — with a live preview of the embed as
 * it will look (framed by this server, which every embed key allows).
 */
import { useEffect, useState } from 'react';
import { worldsCreateKey, worldsListKeys } from '../../../shared/api/generated/sdk.gen.js';
import type { ApiKey } from '../../../shared/api/generated/types.gen.js';
import { Problem, useCall } from './use-call.js';

/** The snippet a site pastes, for `key`, with the chosen start. */
export function embedSnippet(
  server: string,
  slug: string,
  key: string,
  options: { reveal: 'auto' | 'interaction'; mode: 'spectate' | 'join' },
): { element: string; iframe: string } {
  const attributes = [
    `world="${slug}"`,
    `embed-key="${key}"`,
    ...(options.reveal === 'interaction' ? ['reveal="interaction"'] : []),
    ...(options.mode === 'join' ? ['mode="join"'] : []),
  ];
  return {
    element: `<script type="module" src="${server}/embed.js"></script>\n<mib-world ${attributes.join(' ')}></mib-world>`,
    iframe: `<iframe src="${server}/embed/${slug}?k=${key}${options.mode === 'join' ? '&mode=join' : ''}" width="960" height="540" allow="fullscreen" title="A live 3D world"></iframe>`,
  };
}

export function SharePanel({ slug }: { slug: string }) {
  const { call, problem, busy } = useCall();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const [origins, setOrigins] = useState('');
  const [reveal, setReveal] = useState<'auto' | 'interaction'>('interaction');
  const [mode, setMode] = useState<'spectate' | 'join'>('spectate');
  const load = async (select?: string) => {
    const listed = await call('list the embed keys', (client) => worldsListKeys({ client, path: { slug } }));
    if (!listed) return;
    const embeds = listed.filter((key) => key.embedKey && !key.revokedAt);
    setKeys(embeds);
    setChosen((now) => select ?? now ?? embeds[0]?.id ?? null);
  };
  useEffect(() => void load(), [slug]);
  const create = async () => {
    const list = origins.split(/[\s,]+/).filter(Boolean);
    const made = await call('make the embed key', (client) =>
      worldsCreateKey({
        client,
        path: { slug },
        body: { name: `Embed on ${list.join(', ')}`.slice(0, 120), scopes: ['embed'], origins: list },
      }),
    );
    if (made) {
      setOrigins('');
      await load(made.apiKey.id);
    }
  };
  const key = keys?.find((candidate) => candidate.id === chosen);
  const snippet = key?.embedKey
    ? embedSnippet(window.location.origin, slug, key.embedKey, { reveal, mode })
    : null;
  return (
    <div className="studio-admin">
      <section aria-label="Share / Embed">
        <h3>Share / Embed</h3>
        <p className="studio-lede">
          Show this world on another site: an embed key lists the sites that may show it (it is public — it
          goes in their pages — and lets visitors watch and join, never edit). Private worlds embed with
          tokens your site&apos;s backend mints (docs/embed.md).
        </p>
        {keys && keys.length > 0 && (
          <label className="studio-form">
            Embed key
            <select value={chosen ?? ''} onChange={(e) => setChosen(e.target.value)}>
              {keys.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.origins.join(', ')}
                </option>
              ))}
            </select>
          </label>
        )}
        <div className="studio-form">
          <label>
            Sites that may show the world (space-separated origins)
            <input
              value={origins}
              onChange={(e) => setOrigins(e.target.value)}
              placeholder="https://example.com"
            />
          </label>
          <button type="button" disabled={busy || !origins.trim()} onClick={() => void create()}>
            Make an embed key
          </button>
        </div>
        <Problem text={problem} />
        {snippet && (
          <>
            <fieldset className="studio-row">
              <legend>Start</legend>
              <label className="studio-check">
                <input
                  type="checkbox"
                  checked={reveal === 'interaction'}
                  onChange={(e) => setReveal(e.target.checked ? 'interaction' : 'auto')}
                />
                Poster first (Enter to load the world)
              </label>
              <label className="studio-check">
                <input
                  type="checkbox"
                  checked={mode === 'join'}
                  onChange={(e) => setMode(e.target.checked ? 'join' : 'spectate')}
                />
                Join with an avatar (else watch)
              </label>
            </fieldset>
            <label className="studio-form">
              Paste into the page
              <textarea
                readOnly
                aria-label="Embed snippet"
                rows={4}
                value={snippet.element}
                onFocus={(e) => e.target.select()}
              />
            </label>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(snippet.element)}>
              Copy the snippet
            </button>
            <label className="studio-form">
              Or, where scripts are not allowed, a plain frame
              <textarea
                readOnly
                aria-label="Iframe snippet"
                rows={3}
                value={snippet.iframe}
                onFocus={(e) => e.target.select()}
              />
            </label>
            <h4>Preview</h4>
            <iframe
              className="studio-embed-preview"
              title="Preview of the embed"
              src={`/embed/${slug}?k=${encodeURIComponent(key!.embedKey!)}`}
            />
          </>
        )}
      </section>
    </div>
  );
}
