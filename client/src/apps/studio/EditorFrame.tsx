/**
 * The editor around one world's draft: a bar (world, save state, undo and redo, tools, Play, help), the
 * entity tree (Hierarchy.tsx), the viewport (Viewport.tsx) and a side column with the inspector, the
 * assets, the published versions and the world's settings. Keys come from one table (editor-keys.ts).
 *
 * Every change is a command of the draft session (draft-session.ts): applied at once, undoable, saved as a
 * JSON Patch with If-Match shortly after, kept in the browser until the server has it. Only the world's
 * owners and editors get the editor; anyone else gets a page that says why. When the world is deleted or
 * the account's role taken away while the editor is open, it says so and turns read-only.
 */
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
} from 'react';
import { sceneEntities, type SceneEntity } from '../../../../protocol/index.js';
import { createSceneSource } from '../../shared/scene/scene-source.js';
import { AssetPanel, type IncomingFile } from './AssetPanel.js';
import { BudgetMeter } from './BudgetMeter.js';
import type { Command } from './draft-session.js';
import { actionOf, type EditorAction } from './editor-keys.js';
import { readEditorView, saveEditorView } from './editor-view.js';
import { EntityInspector } from './EntityInspector.js';
import {
  addEntityCommand,
  addModelCommand,
  skyEnvironmentCommand,
  deleteEntitiesCommand,
  renameCommand,
  transformCommand,
} from './entity-commands.js';
import { Hierarchy, type SelectMode } from './Hierarchy.js';
import { HistoryPanel } from './HistoryPanel.js';
import { ReferenceChoicesContext } from './properties/ReferencePicker.js';
import { useReferenceChoices } from './properties/reference-choices.js';
import { ShortcutHelp } from './ShortcutHelp.js';
import type { GizmoMode } from './TransformGizmo.js';
import { copyEntities, duplicateCommand, pasteCommand, readClip, reparentCommand } from './tree-commands.js';
import { publishStudioHook } from './test-hook.js';
import { Viewport } from './Viewport.js';
import { EditorToolbar, saveText } from './EditorToolbar.js';
import { editorRole, useDraftSession } from './use-draft-session.js';
import { LiveDraftSession } from './live/live-draft-session.js';
import { EditorsPresent } from './live/EditorsPresent.js';
import { useRecentNotice } from './live/use-recent-notice.js';
import type { EditorMark } from './Hierarchy.js';

/** How often this editor's selection, camera and pointer are looked at for the others, in ms. */
const PRESENCE_SAMPLE_MS = 150;
import { WorldAdmin } from './admin/WorldAdmin.js';
import type { ViewportApi } from './ViewportTools.js';

/** Where copied entities wait to be pasted (any world of this browser). */
const CLIPBOARD_KEY = 'mib.studio.clipboard';

type SideTab = 'inspector' | 'assets' | 'history' | 'world';

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
  const remembered = useMemo(() => readEditorView(slug), [slug]);
  const { world, setWorld, session, problem, setProblem, saves } = useDraftSession(slug, source, onSignedOut);
  const [selection, setSelection] = useState<string[]>(remembered?.selection ?? []);
  const [mode, setMode] = useState<GizmoMode>('translate');
  const [space, setSpace] = useState<'world' | 'local'>('world');
  const [snap, setSnap] = useState(false);
  const [surface, setSurface] = useState(false);
  const [help, setHelp] = useState(false);
  const [tab, setTab] = useState<SideTab>('inspector');
  const [incoming, setIncoming] = useState<IncomingFile | null>(null);
  /** Counts processed uploads, so the reference pickers offer them. */
  const [uploads, setUploads] = useState(0);
  /** Counts publishes, so the history is read again. */
  const [publishes, setPublishes] = useState(0);
  const viewport = useRef<ViewportApi | null>(null);
  const live = session instanceof LiveDraftSession ? session : null;
  const others = live?.others() ?? [];
  const [following, setFollowing] = useState<string | null>(null);
  const pointer = useRef<[number, number, number] | null>(null);

  // Leaving the page (a reload, another address): remember where the creator was.
  const remember = useRef(() => undefined as void);
  useEffect(() => {
    const leave = () => remember.current();
    window.addEventListener('pagehide', leave);
    return () => window.removeEventListener('pagehide', leave);
  }, []);

  const scene = session?.scene ?? null;
  const canEdit = editorRole(world) && session !== null && !session.readOnly;
  const choices = useReferenceChoices(slug, scene, uploads);
  const entities = useMemo(() => (scene ? sceneEntities(scene) : []), [scene]);
  const present = useMemo(() => selection.filter((id) => scene?.entities[id]), [selection, scene]);
  const primary = present.at(-1) ?? null;
  const chosen = primary && scene ? { ...scene.entities[primary]!, id: primary } : null;

  // What the other editors see of this one: its selection, camera and pointer (sent when they change).
  useEffect(() => {
    if (!live) return;
    let last = '';
    const sample = () => {
      const presence = {
        selection: present,
        camera: viewport.current?.view() ?? null,
        pointer: pointer.current,
      };
      const text = JSON.stringify(presence);
      if (text !== last) live.setPresence(presence);
      last = text;
    };
    sample(); // the selection at once: what this editor works on is told when someone deletes it
    const timer = setInterval(sample, PRESENCE_SAMPLE_MS);
    return () => clearInterval(timer);
  }, [live, present]);
  // Following another editor: the camera goes where theirs is, until they leave or Follow is pressed again.
  const followed = others.find((other) => other.sessionId === following);
  useEffect(() => {
    if (following && !followed) setFollowing(null);
    else if (followed?.camera) viewport.current?.look(followed.camera);
  }, [following, followed, JSON.stringify(followed?.camera)]);
  const marks = useMemo(() => {
    const byEntity = new Map<string, EditorMark[]>();
    for (const other of others)
      for (const id of other.selection)
        byEntity.set(id, [...(byEntity.get(id) ?? []), { name: other.name, colour: other.colour }]);
    return byEntity;
  }, [JSON.stringify(others.map((o) => [o.name, o.colour, o.selection]))]);
  const notice = useRecentNotice(live);

  useEffect(() =>
    publishStudioHook({
      scene,
      selection: present,
      save: session?.state.kind ?? 'saved',
      others: others.map(({ name, canEdit, selection, camera }) => ({ name, canEdit, selection, camera })),
      following: followed?.name ?? null,
      notices: [...(session?.notices ?? [])],
      // Read when asked: the viewport's tools are ready only after the canvas first draws.
      viewport: {
        project: (id) => viewport.current?.project(id) ?? null,
        view: () => viewport.current?.view() ?? null,
        drawn: () => viewport.current?.drawn() ?? { calls: 0, triangles: 0, frames: 0 },
        redraw: () => viewport.current?.redraw(),
      },
    }),
  );

  const run = useCallback(
    (command: Command): string | null => {
      if (!session || !canEdit)
        return session?.readOnly ? 'this editor is read-only' : 'you cannot edit this world';
      const refused = session.run(command);
      setProblem(refused ? `That edit was not made: ${refused}` : null);
      return refused;
    },
    [session, canEdit],
  );
  const setTransform = useCallback(
    (transform: SceneEntity['transform']) => {
      if (scene && primary) run(transformCommand(scene, primary, transform));
    },
    [scene, primary, run],
  );
  const select = (ids: string[], add: boolean) =>
    setSelection((now) =>
      add ? [...now.filter((id) => !ids.includes(id)), ...ids.filter((id) => !now.includes(id))] : ids,
    );
  const selectInTree = (id: string, how: SelectMode, visible: string[]) => {
    if (how === 'only') return setSelection([id]);
    if (how === 'toggle') return select([id], true);
    const anchor = visible.indexOf(primary ?? id);
    const end = visible.indexOf(id);
    const range = visible.slice(Math.min(anchor, end), Math.max(anchor, end) + 1);
    setSelection([...range.filter((r) => r !== id), id]);
  };
  /** Where a paste or a new entity goes: where the camera looks, on the ground. */
  const lookedAt = (): [number, number, number] => {
    const target = viewport.current?.view()?.target;
    return target ? [target[0], 0, target[2]] : [0, 0, 0];
  };
  const place = (asset: { hash: string; name: string }, at: [number, number, number]) => {
    if (!scene) return;
    const { command, id } = addModelCommand(scene, asset.hash, asset.name, at);
    if (run(command) === null) setSelection([id]);
  };
  remember.current = () =>
    saveEditorView(slug, { selection: present, camera: viewport.current?.view() ?? null });
  const play = () => {
    if (!session) return;
    remember.current();
    session.flush().then(
      () => window.location.assign(`/?world=${slug}&preview=1`),
      (error: unknown) =>
        setProblem(
          `Not played: the draft could not be saved first (${error instanceof Error ? error.message : String(error)}).`,
        ),
    );
  };

  const perform = (action: EditorAction) => {
    if (action === 'help') return setHelp((open) => !open);
    if (action === 'deselect') return setSelection([]);
    if (action === 'select-all') return setSelection(entities.map((e) => e.id));
    if (action === 'focus') return present.length > 0 && viewport.current?.frame(present);
    if (action === 'frame-all') return viewport.current?.frame('all');
    if (action === 'translate' || action === 'rotate' || action === 'scale') return setMode(action);
    if (action === 'space') return setSpace((s) => (s === 'world' ? 'local' : 'world'));
    if (action === 'snap') return setSnap((on) => !on);
    if (action === 'surface') return setSurface((on) => !on);
    if (!session || !scene || !canEdit) return;
    if (action === 'undo') return session.undo();
    if (action === 'redo') return session.redo();
    if (action === 'copy') {
      const clip = copyEntities(scene, present);
      if (!clip) return;
      const text = JSON.stringify(clip);
      localStorage.setItem(CLIPBOARD_KEY, text);
      void navigator.clipboard?.writeText(text).catch(() => undefined);
      return;
    }
    if (action === 'paste') {
      const clip = readClip(localStorage.getItem(CLIPBOARD_KEY) ?? '');
      if (!clip) return setProblem('Nothing to paste: copy entities with Ctrl+C first.');
      // The copies keep their arrangement, centred where the camera looks.
      const roots = clip.roots.map((id) => clip.entities[id]!.transform.position);
      const centre = [0, 2].map((axis) => roots.reduce((sum, p) => sum + p[axis]!, 0) / roots.length);
      const target = lookedAt();
      const { command, roots: added } = pasteCommand(scene, clip, {
        offset: [target[0] - centre[0]!, 0, target[2] - centre[1]!],
      });
      if (run(command) === null) setSelection(added);
      return;
    }
    if (action === 'duplicate') {
      const made = duplicateCommand(scene, present);
      if (made && run(made.command) === null) setSelection(made.roots);
      return;
    }
    if (present.length > 0 && run(deleteEntitiesCommand(scene, present)) === null) setSelection([]);
  };

  const onKey = (event: ReactKeyboardEvent) => {
    const typing = (event.target as HTMLElement).closest('input, textarea, select') !== null;
    const action = actionOf(event, typing);
    if (!action) return;
    event.preventDefault();
    perform(action);
  };

  if (world && !editorRole(world) && !session)
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
  const banner =
    state.kind === 'read-only'
      ? `Read-only: ${state.reason}. Nothing more you change here is saved${live ? '' : '; your unsaved edits stay in this browser'}.`
      : (problem ?? (state.kind === 'refused' ? session?.notices.at(-1) : (notice ?? undefined)));
  return (
    <ReferenceChoicesContext.Provider value={choices}>
      <div className="studio-editor" onKeyDown={onKey} tabIndex={-1}>
        <header className="studio-bar">
          <button type="button" onClick={onBack} aria-label="Back to your worlds">
            ← Worlds
          </button>
          <h1>{world.name}</h1>
          <span className={`studio-status save-${state.kind}`} role="status" aria-live="polite">
            {scene === null ? 'Loading the draft…' : saveText(state)}
          </span>
          {live && <EditorsPresent others={others} following={following} onFollow={setFollowing} />}
          {session && (
            <EditorToolbar
              session={session}
              canEdit={canEdit}
              mode={mode}
              space={space}
              snap={snap}
              surface={surface}
              onMode={setMode}
              perform={perform}
              onAdd={() => {
                if (!scene) return;
                const { command, id } = addEntityCommand(scene, lookedAt());
                if (run(command) === null) setSelection([id]);
              }}
              onPlay={play}
            />
          )}
        </header>
        {banner && (
          <div className="studio-problem" role="alert">
            {banner}
          </div>
        )}
        <nav className="studio-hierarchy" aria-label="Entities">
          <h2>Entities</h2>
          {entities.length === 0 && scene !== null && <p className="studio-empty">This draft is empty.</p>}
          <Hierarchy
            entities={entities}
            selection={present}
            marks={marks}
            canEdit={canEdit}
            onSelect={selectInTree}
            onRename={(id, name) => scene && run(renameCommand(scene, id, name))}
            onMove={(ids, parent, before) => {
              if (!scene) return;
              const command = reparentCommand(scene, ids, parent, before);
              if (typeof command === 'string') setProblem(`Not moved: ${command}.`);
              else run(command);
            }}
          />
          {session && (
            <BudgetMeter
              slug={slug}
              savedRevision={saves}
              beforePublish={() => session.flush()}
              onSelect={(id) => setSelection([id])}
              onPublished={() => setPublishes((n) => n + 1)}
              canEdit={canEdit}
            />
          )}
        </nav>
        <Viewport
          source={source}
          scene={scene}
          primary={primary}
          canEdit={canEdit}
          mode={mode}
          space={space}
          snap={snap}
          surface={surface}
          initialView={remembered?.camera ?? null}
          api={viewport}
          onSelect={select}
          onTransform={setTransform}
          onDropAsset={place}
          onDropFile={(file, at) => {
            setTab('assets');
            setIncoming({ file, at });
          }}
          others={others}
          onPointer={(at) => {
            pointer.current = at;
          }}
        />
        <aside className="studio-inspector" aria-label="Inspector">
          <div className="studio-side-tabs" role="tablist">
            {(
              [
                ['inspector', 'Inspector'],
                ['assets', 'Assets'],
                ['history', 'History'],
                ['world', 'World'],
              ] as const
            ).map(([name, title]) => (
              <button
                key={name}
                type="button"
                role="tab"
                aria-selected={tab === name}
                className={tab === name ? 'active' : ''}
                onClick={() => setTab(name)}
              >
                {title}
              </button>
            ))}
          </div>
          {tab === 'inspector' &&
            (chosen && scene ? (
              <>
                {present.length > 1 && (
                  <p className="studio-empty">
                    {present.length} selected; the handles and these fields are for the last one picked.
                  </p>
                )}
                <EntityInspector
                  scene={scene}
                  entity={chosen}
                  canEdit={canEdit}
                  run={run}
                  setTransform={setTransform}
                  onDeleted={() => setSelection([])}
                />
              </>
            ) : (
              <p className="studio-empty">
                Select an entity to see it here (click it in the viewport or the tree).
              </p>
            ))}
          {session && (
            <div hidden={tab !== 'assets'}>
              <AssetPanel
                slug={slug}
                canEdit={canEdit}
                incoming={incoming}
                onPlace={(asset) =>
                  asset.assetHash && place({ hash: asset.assetHash, name: asset.name }, lookedAt())
                }
                onUseAsSky={(asset) =>
                  scene && asset.assetHash && run(skyEnvironmentCommand(scene, asset.assetHash, asset.name))
                }
                onProcessed={(asset, at) => {
                  setUploads((n) => n + 1);
                  if (at) place(asset, at);
                }}
              />
            </div>
          )}
          {tab === 'history' && (
            <HistoryPanel
              slug={slug}
              draft={scene}
              canEdit={canEdit}
              published={publishes}
              run={run}
              onPublished={() => setPublishes((n) => n + 1)}
            />
          )}
          {tab === 'world' && (
            <WorldAdmin
              world={world}
              onSaved={setWorld}
              snapshot={() => viewport.current?.snapshot() ?? Promise.resolve(null)}
            />
          )}
        </aside>
        {help && <ShortcutHelp onClose={() => setHelp(false)} />}
      </div>
    </ReferenceChoicesContext.Provider>
  );
}
