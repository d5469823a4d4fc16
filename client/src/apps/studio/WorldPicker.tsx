/**
 * The worlds this account may edit (owner or editor), newest first, and a form to make a new one from a
 * starter template (a lit plaza, a gallery, or blank) in one of its organizations — or, on a new account's
 * first run, in a first organization it names. Picking or making a world opens it in the editor.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { orgsCreate, orgsList, worldsCreate, worldsList } from '../../shared/api/generated/sdk.gen.js';
import type { Organization, World } from '../../shared/api/generated/types.gen.js';
import { SCENE_TEMPLATES, type SceneTemplateName } from '../../../../protocol/index.js';
import { problemText, studioClient } from './studio-api.js';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** A slug from a name: lowercase letters, digits and dashes. */
function slugOf(name: string): string {
  return name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63);
}

export function WorldPicker({
  onOpen,
  onSignedOut,
}: {
  onOpen: (slug: string) => void;
  onSignedOut: () => void;
}) {
  const [worlds, setWorlds] = useState<World[] | null>(null);
  const [orgs, setOrgs] = useState<Organization[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [org, setOrg] = useState('');
  const [orgName, setOrgName] = useState('');
  const [template, setTemplate] = useState<SceneTemplateName>('plaza');
  const [busy, setBusy] = useState(false);

  const load = async () => {
    const client = await studioClient();
    if (!client) return onSignedOut();
    const [worldPage, orgPage] = await Promise.all([
      worldsList({ client, query: { limit: 100 } }),
      orgsList({ client }),
    ]);
    if (!worldPage.data)
      return setProblem(problemText(worldPage.error, worldPage.response, 'list your worlds'));
    setWorlds(worldPage.data.items.filter((world) => world.role === 'owner' || world.role === 'editor'));
    const owned = (orgPage.data ?? []).filter((o) => o.role === 'owner' || o.role === 'admin');
    setOrgs(owned);
    setOrg((current) => current || owned[0]?.slug || '');
  };
  useEffect(() => {
    void load();
    // Loaded once when the picker opens.
  }, []);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    const slug = slugOf(name);
    if (!SLUG.test(slug)) return setProblem('Give the world a name with at least one letter or digit.');
    setBusy(true);
    setProblem(null);
    const client = await studioClient();
    if (!client) return onSignedOut();
    let orgSlug = org;
    if (!orgSlug) {
      // A new account's first world: a first organization, named by the creator (or after the world).
      const teamName = orgName.trim() || `${name.trim()} team`;
      const made = await orgsCreate({
        client,
        body: { slug: slugOf(teamName) || `${slug}-team`.slice(0, 63), name: teamName },
      });
      if (!made.data) {
        setBusy(false);
        return setProblem(problemText(made.error, made.response, 'create an organization for the world'));
      }
      orgSlug = made.data.slug;
    }
    const world = await worldsCreate({
      client,
      path: { org: orgSlug },
      body: { slug, name: name.trim(), template },
    });
    setBusy(false);
    if (!world.data) return setProblem(problemText(world.error, world.response, `create "${name.trim()}"`));
    onOpen(world.data.slug);
  };

  return (
    <main className="studio-picker">
      <header className="studio-bar">
        <h1>Your worlds</h1>
      </header>
      {problem && (
        <div className="studio-problem" role="alert">
          {problem}
        </div>
      )}
      {worlds === null ? (
        <p aria-busy="true">Loading your worlds…</p>
      ) : worlds.length === 0 ? (
        <p className="studio-empty">No worlds to edit yet: make your first one below.</p>
      ) : (
        <ul className="studio-world-list" aria-label="Worlds you can edit">
          {worlds.map((world) => (
            <li key={world.slug}>
              <button type="button" onClick={() => onOpen(world.slug)}>
                <strong>{world.name}</strong>
                <span>
                  {world.slug} · {world.organization} · {world.role} ·{' '}
                  {world.publishedVersion === null ? 'not published' : `version ${world.publishedVersion}`}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <form className="studio-form studio-new-world" aria-label="New world" onSubmit={(e) => void create(e)}>
        <h2>New world</h2>
        <label>
          Name
          <input
            name="worldName"
            required
            maxLength={120}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <fieldset className="studio-templates">
          <legend>Start from</legend>
          {SCENE_TEMPLATES.map((t) => (
            <label key={t.name} className={template === t.name ? 'selected' : ''}>
              <input
                type="radio"
                name="template"
                value={t.name}
                checked={template === t.name}
                onChange={() => setTemplate(t.name)}
              />
              <strong>{t.title}</strong>
              <span>{t.summary}</span>
            </label>
          ))}
        </fieldset>
        {orgs.length === 0 && worlds !== null && (
          <label>
            Your organization (who owns the world; you can invite others to it later)
            <input
              name="orgName"
              maxLength={120}
              placeholder={name.trim() ? `${name.trim()} team` : 'e.g. Acme Studios'}
              value={orgName}
              onChange={(e) => setOrgName(e.target.value)}
            />
          </label>
        )}
        {orgs.length > 1 && (
          <label>
            Organization
            <select name="org" value={org} onChange={(e) => setOrg(e.target.value)}>
              {orgs.map((o) => (
                <option key={o.slug} value={o.slug}>
                  {o.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create world'}
        </button>
      </form>
    </main>
  );
}
