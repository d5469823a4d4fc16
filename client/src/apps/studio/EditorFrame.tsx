/**
 * The editor's frame around one world's draft: a bar (world, save state, back to the picker), the entity
 * hierarchy, the viewport (the shared scene renderer with editor overlays, orbit camera) and an inspector
 * for the selected entity. The tools that change the draft come with the studio itself; this frame loads
 * the draft through the API, draws it, and lists what it holds.
 */
import { Canvas, useThree } from '@react-three/fiber';
import { useEffect, useMemo, useState } from 'react';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import {
  componentsOf,
  sceneEntities,
  sceneFromAnySchema,
  transformResolver,
  type SceneDocument,
} from '../../../../protocol/index.js';
import { scenesDraft, worldsGet } from '../../shared/api/generated/sdk.gen.js';
import type { World } from '../../shared/api/generated/types.gen.js';
import { SceneView } from '../../shared/scene/SceneView.js';
import { createSceneSource, showScene } from '../../shared/scene/scene-source.js';
import { problemText, studioClient } from './studio-api.js';

/** Where the entities stand: the centre and radius (metres) that frame them all. */
function framing(scene: SceneDocument | null): { centre: [number, number, number]; radius: number } {
  const points = scene ? sceneEntities(scene).map((entity) => transformResolver(scene)(entity).p) : [];
  if (points.length === 0) return { centre: [0, 0, 0], radius: 10 };
  const min = [0, 1, 2].map((i) => Math.min(...points.map((p) => p[i]!)));
  const max = [0, 1, 2].map((i) => Math.max(...points.map((p) => p[i]!)));
  const centre = [0, 1, 2].map((i) => (min[i]! + max[i]!) / 2) as [number, number, number];
  const radius = Math.max(5, Math.hypot(max[0]! - min[0]!, max[1]! - min[1]!, max[2]! - min[2]!) / 2);
  return { centre, radius };
}

/**
 * Drag to orbit, wheel to zoom, right-drag to pan: the editor's camera, framing the draft's entities from
 * above at three quarters when the draft loads.
 */
function EditorCamera({ scene }: { scene: SceneDocument | null }) {
  const camera = useThree((state) => state.camera);
  const gl = useThree((state) => state.gl);
  const [controls, setControls] = useState<OrbitControls | null>(null);
  useEffect(() => {
    const orbit = new OrbitControls(camera, gl.domElement);
    orbit.enableDamping = false;
    setControls(orbit);
    return () => orbit.dispose();
  }, [camera, gl]);
  useEffect(() => {
    if (!controls) return;
    const { centre, radius } = framing(scene);
    controls.target.set(...centre);
    // Far enough that the whole radius fits a narrow viewport (the panels take the sides).
    camera.position.set(centre[0] + radius * 1.6, centre[1] + radius * 1.4, centre[2] + radius * 2.6);
    controls.update();
  }, [controls, scene, camera]);
  return null;
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
  const [scene, setScene] = useState<SceneDocument | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    void (async () => {
      const client = await studioClient();
      if (!client) return onSignedOut();
      const [info, draft] = await Promise.all([
        worldsGet({ client, path: { slug } }),
        scenesDraft({ client, path: { slug } }),
      ]);
      if (!live) return;
      if (!info.data) return setProblem(problemText(info.error, info.response, `open world "${slug}"`));
      setWorld(info.data);
      if (!draft.data) return setProblem(problemText(draft.error, draft.response, 'load the draft'));
      const read = sceneFromAnySchema(draft.data);
      if (!read.ok) return setProblem(`The draft cannot be read: ${read.reason} (at ${read.path}).`);
      showScene(source, read.scene);
      setScene(read.scene);
      setEtag(draft.response.headers.get('etag'));
    })();
    return () => {
      live = false;
    };
  }, [slug, source]);

  const entities = useMemo(() => (scene ? sceneEntities(scene) : []), [scene]);
  const depth = useMemo(() => {
    const levels = new Map<string, number>();
    for (const entity of entities)
      levels.set(entity.id, entity.parent !== undefined ? (levels.get(entity.parent) ?? 0) + 1 : 0);
    return levels;
  }, [entities]);
  const chosen = entities.find((entity) => entity.id === selected);
  const canEdit = world?.role === 'owner' || world?.role === 'editor';

  return (
    <div className="studio-editor">
      <header className="studio-bar">
        <button type="button" onClick={onBack} aria-label="Back to your worlds">
          ← Worlds
        </button>
        <h1>{world?.name ?? slug}</h1>
        <span className="studio-status" aria-live="polite">
          {scene === null
            ? 'Loading the draft…'
            : `Draft · ${entities.length} ${entities.length === 1 ? 'entity' : 'entities'}${canEdit ? '' : ' · read only'}`}
        </span>
        {etag && (
          <span className="studio-etag" title="The draft's ETag (its revision)">
            {etag}
          </span>
        )}
      </header>
      {problem && (
        <div className="studio-problem" role="alert">
          {problem}
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
      </nav>
      <section className="studio-viewport" aria-label="Viewport">
        <Canvas camera={{ position: [12, 10, 14], fov: 50, near: 0.1, far: 1000 }}>
          <SceneView source={source} editor showColliders={false} />
          <EditorCamera scene={scene} />
        </Canvas>
      </section>
      <aside className="studio-inspector" aria-label="Inspector">
        <h2>Inspector</h2>
        {chosen ? (
          <dl>
            <dt>Id</dt>
            <dd>{chosen.id}</dd>
            <dt>Name</dt>
            <dd>{chosen.name ?? '—'}</dd>
            <dt>Parent</dt>
            <dd>{chosen.parent ?? 'none (a root entity)'}</dd>
            <dt>Position</dt>
            <dd>{chosen.transform.position.map((v) => v.toFixed(2)).join(', ')} m</dd>
            <dt>Components</dt>
            <dd>
              {componentsOf(chosen)
                .map((c) => c.type)
                .join(', ') || 'none'}
            </dd>
          </dl>
        ) : (
          <p className="studio-empty">Select an entity to see it here.</p>
        )}
      </aside>
    </div>
  );
}
