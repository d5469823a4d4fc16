/**
 * The editor around one world's draft: a bar (world, save state, undo and redo, tools), the entity
 * hierarchy, the viewport (the shared scene renderer with editor overlays, an orbit camera and move /
 * rotate / scale handles on the selection), the inspector (EntityInspector.tsx) and the budget and asset
 * panels.
 * Every change is a command of the draft session (draft-session.ts): applied at once, undoable, saved as a
 * JSON Patch with If-Match shortly after, kept in the browser until the server has it. Only the world's
 * owners and editors get the editor; anyone else gets a page that says why.
 */
import { Canvas } from '@react-three/fiber';
import { useCallback, useEffect, useMemo, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import { sceneEntities, type SceneEntity } from '../../../../protocol/index.js';
import { worldsGet } from '../../shared/api/generated/sdk.gen.js';
import type { World } from '../../shared/api/generated/types.gen.js';
import { SceneView } from '../../shared/scene/SceneView.js';
import { createSceneSource, showScene } from '../../shared/scene/scene-source.js';
import { DraftSession, type SaveState } from './draft-session.js';
import { browserPendingStore, draftTransport } from './draft-transport.js';
import {
  addEntityCommand,
  addModelCommand,
  deleteEntityCommand,
  transformCommand,
} from './entity-commands.js';
import { TransformGizmo, type GizmoMode } from './TransformGizmo.js';
import { BudgetMeter } from './BudgetMeter.js';
import { EditorCamera } from './EditorCamera.js';
import { EntityInspector } from './EntityInspector.js';
import { AssetPanel } from './AssetPanel.js';
import { problemText, studioClient } from './studio-api.js';
import { ReferenceChoicesContext } from './properties/ReferencePicker.js';
import { useReferenceChoices } from './properties/reference-choices.js';

function saveText(state: SaveState): string {
  switch (state.kind) {
    case 'saved':
      return 'Saved';
    case 'saving':
      return 'Saving…';
    case 'pending':
      return 'Unsaved changes';
    case 'offline':
      return `Offline — will retry in ${Math.round(state.retryInMs / 1000)} s`;
    case 'refused':
      return 'Not saved';
  }
}

export function EditorFrame({
  slug,
  onBack,
  onSignedOut,
}: {
  slug: string;
  onBack: () => void;
  onSignedOut: () => void;
}) {
  const source = useMemo(() => createSceneSource(), []);
  const [world, setWorld] = useState<World | null>(null);
  const [session, setSession] = useState<DraftSession | null>(null);
  const [, setTick] = useState(0);
  const [selected, setSelected] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [mode, setMode] = useState<GizmoMode>('translate');
  const [orbit, setOrbit] = useState<OrbitControls | null>(null);
  /** Counts saves, so the budget is read again after each. */
  const [saves, setSaves] = useState(0);
  /** Counts processed uploads, so the reference pickers offer them. */
  const [uploads, setUploads] = useState(0);

  useEffect(() => {
    let live = true;
    void (async () => {
      const client = await studioClient();
      if (!client) return onSignedOut();
      const info = await worldsGet({ client, path: { slug } });
      if (!live) return;
      if (!info.data)
        return setProblem(
          info.response.status === 404
            ? `There is no world "${slug}" you can see. Check the address, or sign in with an account that may edit it.`
            : problemText(info.error, info.response, `open world "${slug}"`),
        );
      setWorld(info.data);
      // Not an editor: a page that says so, never an editor that cannot load what it needs.
      if (info.data.role !== 'owner' && info.data.role !== 'editor') return;
      let wasSaved = true;
      const draft = new DraftSession(draftTransport(slug, onSignedOut), browserPendingStore(slug), () => {
        showScene(source, draft.scene);
        setTick((n) => n + 1);
        const saved = draft.state.kind === 'saved';
        if (saved && !wasSaved) setSaves((n) => n + 1);
        wasSaved = saved;
      });
      await draft
        .open()
        .catch((error: unknown) =>
          setProblem(`The draft cannot be opened: ${error instanceof Error ? error.message : String(error)}`),
        );
      if (live) setSession(draft);
    })();
    return () => {
      live = false;
    };
  }, [slug, source]);

  const scene = session?.scene ?? null;
  const choices = useReferenceChoices(slug, scene, uploads);
  const canEdit = world?.role === 'owner' || world?.role === 'editor';
  const entities = useMemo(() => (scene ? sceneEntities(scene) : []), [scene]);
  const depth = useMemo(() => {
    const levels = new Map<string, number>();
    for (const entity of entities)
      levels.set(entity.id, entity.parent !== undefined ? (levels.get(entity.parent) ?? 0) + 1 : 0);
    return levels;
  }, [entities]);
  const chosen = selected && scene?.entities[selected] ? { ...scene.entities[selected], id: selected } : null;

  const run = useCallback(
    (command: Parameters<DraftSession['run']>[0]): string | null => {
      if (!session || !canEdit) return 'you cannot edit this world';
      const refused = session.run(command);
      setProblem(refused ? `That edit was not made: ${refused}` : null);
      return refused;
    },
    [session, canEdit],
  );
  const setTransform = useCallback(
    (transform: SceneEntity['transform']) => {
      if (scene && selected) run(transformCommand(scene, selected, transform));
    },
    [scene, selected, run],
  );

  const onKey = (event: ReactKeyboardEvent) => {
    if (!session || !canEdit) return;
    const typing = (event.target as HTMLElement).closest('input, textarea, select') !== null;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && event.key.toLowerCase() === 'z') {
      event.preventDefault();
      if (event.shiftKey) session.redo();
      else session.undo();
    } else if (mod && event.key.toLowerCase() === 'y') {
      event.preventDefault();
      session.redo();
    } else if (!typing && event.key === 'Delete' && selected && scene) {
      run(deleteEntityCommand(scene, selected));
      setSelected(null);
    } else if (!typing && !mod && ['w', 'e', 'r'].includes(event.key.toLowerCase())) {
      setMode(
        ({ w: 'translate', e: 'rotate', r: 'scale' } as const)[event.key.toLowerCase() as 'w' | 'e' | 'r'],
      );
    }
  };

  if (world && !canEdit)
    return (
      <main className="studio-picker" aria-label="Not an editor">
        <h1>{world.name}</h1>
        <p role="alert">
          Only the owners and editors of this world can open it in the studio; you are{' '}
          {world.role ? `one of its ${world.role}s` : 'not one of its members'}. Ask the world’s owner to make
          you an editor, or sign in with another account.
        </p>
        <button type="button" onClick={onBack}>
          ← Your worlds
        </button>
      </main>
    );
  if (!world)
    return (
      <main className="studio-picker">
        {problem ? <p role="alert">{problem}</p> : <p aria-busy="true">Opening {slug}…</p>}
        <button type="button" onClick={onBack}>
          ← Your worlds
        </button>
      </main>
    );

  const state = session?.state ?? { kind: 'saved' as const };
  const notice = session?.notices.at(-1);
  return (
    <ReferenceChoicesContext.Provider value={choices}>
      <div className="studio-editor" onKeyDown={onKey} tabIndex={-1}>
        <header className="studio-bar">
          <button type="button" onClick={onBack} aria-label="Back to your worlds">
            ← Worlds
          </button>
          <h1>{world?.name ?? slug}</h1>
          <span className={`studio-status save-${state.kind}`} role="status" aria-live="polite">
            {scene === null ? 'Loading the draft…' : saveText(state)}
          </span>
          {canEdit && session && (
            <span className="studio-tools" role="toolbar" aria-label="Edit">
              <button
                type="button"
                onClick={() => session.undo()}
                disabled={!session.canUndo}
                title="Undo (Ctrl+Z)"
              >
                Undo
              </button>
              <button
                type="button"
                onClick={() => session.redo()}
                disabled={!session.canRedo}
                title="Redo (Ctrl+Shift+Z)"
              >
                Redo
              </button>
              {(['translate', 'rotate', 'scale'] as const).map((tool, i) => (
                <button
                  key={tool}
                  type="button"
                  aria-pressed={mode === tool}
                  className={mode === tool ? 'selected' : ''}
                  onClick={() => setMode(tool)}
                  title={`${tool} (${'WER'[i]})`}
                >
                  {tool === 'translate' ? 'Move' : tool === 'rotate' ? 'Rotate' : 'Scale'}
                </button>
              ))}
              <button
                type="button"
                title="Save, then walk the draft in the player (a preview only editors can join)"
                onClick={() =>
                  void session.flush().then(() => window.open(`/?world=${slug}&preview=1`, '_blank'))
                }
              >
                Play
              </button>
              <button
                type="button"
                onClick={() => {
                  if (!scene) return;
                  const { command, id } = addEntityCommand(scene, [0, 0, 0]);
                  run(command);
                  setSelected(id);
                }}
              >
                Add entity
              </button>
            </span>
          )}
        </header>
        {(problem ?? (state.kind === 'refused' ? notice : undefined)) && (
          <div className="studio-problem" role="alert">
            {problem ?? notice}
          </div>
        )}
        <nav className="studio-hierarchy" aria-label="Entities">
          <h2>Entities</h2>
          {entities.length === 0 && scene !== null && <p className="studio-empty">This draft is empty.</p>}
          <ul>
            {entities.map((entity) => (
              <li key={entity.id} style={{ paddingLeft: `${(depth.get(entity.id) ?? 0) * 12}px` }}>
                <button
                  type="button"
                  className={entity.id === selected ? 'selected' : ''}
                  aria-pressed={entity.id === selected}
                  onClick={() => setSelected(entity.id)}
                >
                  {entity.name ?? entity.id}
                </button>
              </li>
            ))}
          </ul>
          {session && (
            <BudgetMeter
              slug={slug}
              savedRevision={saves}
              beforePublish={() => session.flush()}
              onSelect={setSelected}
            />
          )}
        </nav>
        <section className="studio-viewport" aria-label="Viewport">
          <Canvas camera={{ position: [12, 10, 14], fov: 50, near: 0.1, far: 1000 }}>
            <SceneView source={source} editor showColliders={false} />
            <EditorCamera scene={scene} onControls={setOrbit} />
            {canEdit && scene && chosen && (
              <TransformGizmo
                scene={scene}
                entity={chosen.id}
                mode={mode}
                orbit={orbit}
                onChange={setTransform}
              />
            )}
          </Canvas>
        </section>
        <aside className="studio-inspector" aria-label="Inspector">
          <h2>Inspector</h2>
          {chosen && scene ? (
            <EntityInspector
              scene={scene}
              entity={chosen}
              canEdit={canEdit}
              run={run}
              setTransform={setTransform}
              onDeleted={() => setSelected(null)}
            />
          ) : (
            <p className="studio-empty">Select an entity to see it here.</p>
          )}
          {session && (
            <AssetPanel
              slug={slug}
              canEdit={canEdit}
              onPlace={(asset) => {
                if (!scene || !asset.assetHash) return;
                // Where the camera looks, on the ground.
                const at = orbit
                  ? ([orbit.target.x, 0, orbit.target.z] as [number, number, number])
                  : [0, 0, 0];
                const { command, id } = addModelCommand(
                  scene,
                  asset.assetHash,
                  asset.name,
                  at as [number, number, number],
                );
                run(command);
                setSelected(id);
              }}
              onProcessed={() => setUploads((n) => n + 1)}
            />
          )}
        </aside>
      </div>
    </ReferenceChoicesContext.Provider>
  );
}
