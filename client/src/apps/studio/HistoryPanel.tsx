/**
 * The world's published versions, newest first — who, when, the message, the size — and for any of them:
 * what the draft changed since (entities added, removed, changed with the properties), roll back (publish
 * that version again, as a new version, after a confirmation), or restore it into the draft (an undoable
 * edit, to continue from it).
 */
import { useEffect, useState } from 'react';
import {
  diffScenes,
  sceneFromAnySchema,
  type SceneDiff,
  type SceneDocument,
} from '../../../../protocol/index.js';
import { scenesRollback, scenesVersion, scenesVersions } from '../../shared/api/generated/sdk.gen.js';
import type { SceneVersion } from '../../shared/api/generated/types.gen.js';
import type { Command } from './draft-session.js';
import { problemText, studioClient } from './studio-api.js';

function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KB`;
}

function DiffView({ diff, version }: { diff: SceneDiff; version: number }) {
  const none = diff.added.length + diff.removed.length + diff.changed.length === 0;
  const label = (e: { id: string; name: string | undefined }) => (e.name ? `${e.name} (${e.id})` : e.id);
  return (
    <div className="studio-diff" aria-label={`Draft against version ${version}`}>
      <h3>The draft against version {version}</h3>
      {none && <p>No differences: the draft is what version {version} published.</p>}
      {diff.added.length > 0 && (
        <>
          <h4>Added ({diff.added.length})</h4>
          <ul>
            {diff.added.map((e) => (
              <li key={e.id}>{label(e)}</li>
            ))}
          </ul>
        </>
      )}
      {diff.removed.length > 0 && (
        <>
          <h4>Removed ({diff.removed.length})</h4>
          <ul>
            {diff.removed.map((e) => (
              <li key={e.id}>{label(e)}</li>
            ))}
          </ul>
        </>
      )}
      {diff.changed.length > 0 && (
        <>
          <h4>Changed ({diff.changed.length})</h4>
          <ul>
            {diff.changed.map((e) => (
              <li key={e.id}>
                {label(e)}:{' '}
                {e.properties.map((p) => (p.kind === 'changed' ? p.path : `${p.path} ${p.kind}`)).join(', ')}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

export function HistoryPanel({
  slug,
  draft,
  canEdit,
  published,
  run,
  onPublished,
}: {
  slug: string;
  draft: SceneDocument | null;
  canEdit: boolean;
  /** Bumped when a version is published from elsewhere in the editor: the list is read again. */
  published: number;
  run: (command: Command) => string | null;
  onPublished: () => void;
}) {
  const [versions, setVersions] = useState<SceneVersion[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [compared, setCompared] = useState<{ version: number; scene: SceneDocument } | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    void (async () => {
      const client = await studioClient();
      if (!client) return;
      const { data, error, response } = await scenesVersions({ client, path: { slug } });
      if (!live) return;
      if (data) setVersions(data);
      else setProblem(problemText(error, response, 'list the published versions'));
    })();
    return () => {
      live = false;
    };
  }, [slug, published, reload]);

  const fetchVersion = async (version: number): Promise<SceneDocument | null> => {
    const client = await studioClient();
    if (!client) return null;
    const { data, error, response } = await scenesVersion({ client, path: { slug, version } });
    const read = data ? sceneFromAnySchema(data) : undefined;
    if (!read?.ok) {
      setProblem(problemText(error, response, `read version ${version}`));
      return null;
    }
    return read.scene;
  };

  const rollback = async (version: number) => {
    setConfirming(null);
    const client = await studioClient();
    if (!client) return;
    const { data, error, response } = await scenesRollback({
      client,
      path: { slug, version },
      body: { message: `rollback to version ${version}` },
    });
    if (!data) return setProblem(problemText(error, response, `roll back to version ${version}`));
    setProblem(null);
    setReload((n) => n + 1);
    onPublished();
  };

  const restore = async (version: number) => {
    const scene = await fetchVersion(version);
    if (!scene || !draft) return;
    const refused = run({
      label: `restore version ${version} into the draft`,
      forward: [{ op: 'replace', path: '/entities', value: scene.entities }],
      backward: [{ op: 'replace', path: '/entities', value: draft.entities }],
    });
    setProblem(refused ? `Version ${version} could not be restored: ${refused}` : null);
  };

  return (
    <section className="studio-history" aria-label="Version history">
      <h2>Published versions</h2>
      {problem && (
        <p className="studio-problem" role="alert">
          {problem}
        </p>
      )}
      {versions === null ? (
        <p aria-busy="true">Loading…</p>
      ) : versions.length === 0 ? (
        <p className="studio-empty">Nothing published yet: visitors see an empty world until you publish.</p>
      ) : (
        <ol className="studio-version-list">
          {versions.map((v) => (
            <li key={v.version} aria-label={`Version ${v.version}`}>
              <div>
                <strong>Version {v.version}</strong>
                {v.rollbackOf !== null && <span> (rollback to {v.rollbackOf})</span>}
              </div>
              <small>
                {v.authorName ?? 'an API key'} · {when(v.createdAt)} · {size(v.bytes)}
              </small>
              {v.message && <q>{v.message}</q>}
              <div className="studio-version-actions">
                <button
                  type="button"
                  onClick={() =>
                    void fetchVersion(v.version).then(
                      (scene) => scene && setCompared({ version: v.version, scene }),
                    )
                  }
                >
                  Compare with draft
                </button>
                {canEdit &&
                  (confirming === v.version ? (
                    <button type="button" className="danger" onClick={() => void rollback(v.version)}>
                      Publish version {v.version} again?
                    </button>
                  ) : (
                    v.version !== versions[0]!.version && (
                      <button type="button" onClick={() => setConfirming(v.version)}>
                        Roll back
                      </button>
                    )
                  ))}
                {canEdit && (
                  <button type="button" onClick={() => void restore(v.version)}>
                    Restore into draft
                  </button>
                )}
              </div>
            </li>
          ))}
        </ol>
      )}
      {compared && draft && <DiffView diff={diffScenes(compared.scene, draft)} version={compared.version} />}
    </section>
  );
}
