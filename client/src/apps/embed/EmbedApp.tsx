/**
 * The embeddable view at /embed/<slug>, for an iframe on any site: the world's published scene drawn by
 * the shared renderer from a slowly circling camera, its name, and a button that opens the world in the
 * player. (Joining inside the frame, the host page's API and the poster image come with the widget.)
 */
import { Canvas, useFrame } from '@react-three/fiber';
import { useEffect, useMemo, useState } from 'react';
import { sceneFromAnySchema } from '../../../../protocol/index.js';
import { createClient, createConfig } from '../../shared/api/generated/client/index.js';
import { scenesPublished, worldsGet } from '../../shared/api/generated/sdk.gen.js';
import { SceneView } from '../../shared/scene/SceneView.js';
import { createSceneSource, showScene } from '../../shared/scene/scene-source.js';

/** Seconds per turn of the circling camera. */
const TURN_SECONDS = 60;

export function embedSlugOf(pathname: string): string | null {
  const match = /^\/embed\/([a-z0-9][a-z0-9-]{0,62})\/?$/.exec(pathname);
  return match ? match[1]! : null;
}

function CirclingCamera() {
  useFrame(({ camera, clock }) => {
    const angle = (clock.elapsedTime / TURN_SECONDS) * Math.PI * 2;
    camera.position.set(Math.sin(angle) * 18, 9, Math.cos(angle) * 18);
    camera.lookAt(0, 1, 0);
  });
  return null;
}

export function EmbedApp({ slug }: { slug: string | null }) {
  const source = useMemo(() => createSceneSource(), []);
  const [name, setName] = useState<string | null>(null);
  /** The world's thumbnail, shown as a poster until its scene is in. */
  const [poster, setPoster] = useState<string | null>(null);
  const [sceneIn, setSceneIn] = useState(false);
  const [problem, setProblem] = useState<string | null>(
    slug ? null : 'This embed address names no world: use /embed/<world-slug>.',
  );
  useEffect(() => {
    if (!slug) return;
    const client = createClient(createConfig({ baseUrl: window.location.origin }));
    void worldsGet({ client, path: { slug } }).then(({ data, response }) => {
      if (data) {
        setName(data.name);
        if (data.thumbnailAsset) setPoster(`/assets/files/${data.thumbnailAsset}`);
      } else
        setProblem(
          response.status === 404
            ? `There is no public world "${slug}".`
            : `The world could not be loaded (HTTP ${response.status}).`,
        );
    });
    void scenesPublished({ client, path: { slug } }).then(({ data }) => {
      if (!data) return; // nothing published yet: the bare ground
      const read = sceneFromAnySchema(data);
      if (read.ok) showScene(source, read.scene);
      // The scene's models take a moment more; the poster fades once they have had it.
      setTimeout(() => setSceneIn(true), 1_500);
    });
  }, [slug, source]);
  return (
    <div className="embed">
      <Canvas camera={{ position: [0, 9, 18], fov: 50, near: 0.1, far: 500 }}>
        <SceneView source={source} />
        <CirclingCamera />
      </Canvas>
      {poster && <img className={`embed-poster${sceneIn ? ' gone' : ''}`} src={poster} alt="" />}
      <div className="embed-card">
        {problem ? (
          <p role="alert">{problem}</p>
        ) : (
          <>
            <strong>{name ?? 'Loading…'}</strong>
            {slug && (
              <a className="embed-visit" href={`/w/${slug}`} target="_blank" rel="noopener">
                Visit this world
              </a>
            )}
          </>
        )}
      </div>
    </div>
  );
}
