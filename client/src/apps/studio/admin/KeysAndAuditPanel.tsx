/**
 * The world's API keys (owners): make a secret one with its scopes (read, manage) and the sites that may use
 * it from a browser, see it once, revoke any key (embed keys too, made in Share / Embed); and the world's audit log, newest first, page by page.
 */
import { useEffect, useState } from 'react';
import {
  worldsAudit,
  worldsCreateKey,
  worldsListKeys,
  worldsRevokeKey,
} from '../../../shared/api/generated/sdk.gen.js';
import type { ApiKey, AuditPage } from '../../../shared/api/generated/types.gen.js';
import { Problem, useCall } from './use-call.js';

/** Secret keys' scopes; embed keys (public) are made in Share / Embed. */
const SCOPES = ['read', 'manage'] as const;

function KeysSection({ slug }: { slug: string }) {
  const { call, problem, busy } = useCall();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<(typeof SCOPES)[number][]>(['read']);
  const [origins, setOrigins] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const load = async () => {
    const listed = await call('list the keys', (client) => worldsListKeys({ client, path: { slug } }));
    if (listed) setKeys(listed);
  };
  useEffect(() => void load(), [slug]);
  const create = async () => {
    const list = origins.split(/[\s,]+/).filter(Boolean);
    const made = await call('make the key', (client) =>
      worldsCreateKey({
        client,
        path: { slug },
        body: { name: name.trim(), scopes, ...(list.length > 0 && { origins: list }) },
      }),
    );
    if (made) {
      setSecret(made.key);
      setName('');
      await load();
    }
  };
  const revoke = async (key: ApiKey) => {
    if (
      (await call(`revoke "${key.name}"`, (client) =>
        worldsRevokeKey({ client, path: { slug, keyId: key.id } }),
      )) !== undefined
    )
      await load();
  };
  return (
    <section aria-label="API keys">
      <h3>API keys</h3>
      <ul className="studio-members">
        {(keys ?? []).map((key) => (
          <li key={key.id} aria-label={`Key ${key.name}`}>
            <strong>{key.name}</strong>
            <span>
              {key.scopes.join(', ')}
              {key.origins.length > 0 && ` · ${key.origins.join(', ')}`} ·{' '}
              {key.revokedAt
                ? 'revoked'
                : key.lastUsedAt
                  ? `used ${new Date(key.lastUsedAt).toLocaleDateString()}`
                  : 'never used'}
            </span>
            {!key.revokedAt && (
              <button type="button" disabled={busy} onClick={() => void revoke(key)}>
                Revoke
              </button>
            )}
          </li>
        ))}
        {keys?.length === 0 && <li className="studio-empty">No keys yet.</li>}
      </ul>
      <div className="studio-form">
        <label>
          Name
          <input
            value={name}
            maxLength={80}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. Website embed"
          />
        </label>
        <fieldset className="studio-row">
          <legend>Scopes</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className="studio-check">
              <input
                type="checkbox"
                checked={scopes.includes(scope)}
                onChange={(e) =>
                  setScopes(e.target.checked ? [...scopes, scope] : scopes.filter((s) => s !== scope))
                }
              />
              {scope}
            </label>
          ))}
        </fieldset>
        <label>
          Sites that may use it from a browser (space-separated origins; for embeds use Share / Embed)
          <input
            value={origins}
            onChange={(e) => setOrigins(e.target.value)}
            placeholder="https://example.com"
          />
        </label>
        <button
          type="button"
          disabled={busy || !name.trim() || scopes.length === 0}
          onClick={() => void create()}
        >
          Make a key
        </button>
      </div>
      {secret && (
        <p role="status">
          The key (shown only now; keep it secret):{' '}
          <input readOnly aria-label="New key" value={secret} onFocus={(e) => e.target.select()} />
        </p>
      )}
      <Problem text={problem} />
    </section>
  );
}

function AuditSection({ slug }: { slug: string }) {
  const { call, problem, busy } = useCall();
  const [items, setItems] = useState<AuditPage['items']>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const more = async (from?: string) => {
    const page = await call('read the audit log', (client) =>
      worldsAudit({ client, path: { slug }, query: { limit: 50, ...(from && { cursor: from }) } }),
    );
    if (!page) return;
    setItems((now) => (from ? [...now, ...page.items] : page.items));
    setCursor(page.nextCursor);
  };
  useEffect(() => void more(), [slug]);
  return (
    <section aria-label="Audit log">
      <h3>Audit log</h3>
      <ol className="studio-audit">
        {items.map((item) => (
          <li key={item.id}>
            <time dateTime={item.at}>{new Date(item.at).toLocaleString()}</time>{' '}
            <strong>{item.action}</strong> <code>{JSON.stringify(item.detail)}</code>
          </li>
        ))}
      </ol>
      {cursor && (
        <button type="button" disabled={busy} onClick={() => void more(cursor)}>
          Older entries
        </button>
      )}
      <Problem text={problem} />
    </section>
  );
}

export function KeysAndAuditPanel({ slug }: { slug: string }) {
  return (
    <div className="studio-admin">
      <KeysSection slug={slug} />
      <AuditSection slug={slug} />
    </div>
  );
}
