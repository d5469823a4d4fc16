/**
 * What a scene says about its look besides models, lights and screens: its environment (sky colour and
 * fog; a sky given as an asset is a model, drawn by SceneModels over the fog colour) and its text signs
 * (drawn on a canvas with the page's own fonts — nothing downloaded). Re-renders only when a new scene
 * version is loaded.
 */
import { useThree } from '@react-three/fiber';
import { memo, useEffect, useMemo } from 'react';
import { CanvasTexture, Color, Fog, SRGBColorSpace } from 'three';
import {
  componentsOf,
  sceneEntities,
  transformResolver,
  type SceneDocument,
} from '../../../../protocol/index.js';
import { applyHdri } from './hdri-environment.js';
import type { SceneSource } from './scene-source.js';
import { useSceneVersion } from './use-scene-version.js';

/** The player's own sky and fog, used when a scene has no environment. */
export const DEFAULT_SKY = '#a8d0ff';
const DEFAULT_FOG = { near: 60, far: 160 };

interface Sign {
  entity: string;
  text: string;
  color: string;
  size: number;
  transform: ReturnType<ReturnType<typeof transformResolver>>;
}

function dressingOf(scene: SceneDocument | null) {
  const signs: Sign[] = [];
  let environment:
    | { sky: string; fog?: { color: string; near: number; far: number }; hdri?: string; hdriSky: boolean }
    | undefined;
  if (!scene) return { signs, environment };
  const transformOf = transformResolver(scene);
  for (const entity of sceneEntities(scene))
    for (const component of componentsOf(entity)) {
      if (component.type === 'text')
        signs.push({ entity: entity.id, ...component, transform: transformOf(entity) });
      else if (component.type === 'environment')
        // A sky given as an asset is a model (SceneModels); behind it, the fog's colour.
        environment = {
          sky: component.sky.startsWith('#') ? component.sky : (component.fog?.color ?? DEFAULT_SKY),
          ...(component.fog ? { fog: component.fog } : {}),
          ...(component.hdri ? { hdri: component.hdri } : {}),
          hdriSky: component.hdriSky !== false,
        };
    }
  return { signs, environment };
}

/** Letter height (in canvas pixels) signs are drawn at; the plane is scaled to the sign's size. */
const LETTER_PX = 64;

function SignText({ sign }: { sign: Sign }) {
  const { texture, width, height } = useMemo(() => {
    const lines = sign.text.split('\n');
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d')!;
    const font = `600 ${LETTER_PX}px system-ui, sans-serif`;
    context.font = font;
    const widest = Math.max(
      1,
      ...lines.map((line) => {
        const measured = context.measureText(line);
        return Math.max(measured.width, measured.actualBoundingBoxRight);
      }),
    );
    // 6 % spare: where no bold face is installed the browser emboldens glyphs itself and draws them wider
    // than measured (the end of a long line was cut off).
    canvas.width = Math.ceil(widest * 1.06 + LETTER_PX * 0.5);
    canvas.height = Math.ceil(lines.length * LETTER_PX * 1.25 + LETTER_PX * 0.25);
    context.font = font;
    context.fillStyle = sign.color;
    context.textBaseline = 'top';
    lines.forEach((line, i) => context.fillText(line, LETTER_PX * 0.25, LETTER_PX * (0.125 + i * 1.25)));
    const made = new CanvasTexture(canvas);
    made.colorSpace = SRGBColorSpace;
    const metres = sign.size / LETTER_PX;
    return { texture: made, width: canvas.width * metres, height: canvas.height * metres };
  }, [sign]);
  useEffect(() => () => texture.dispose(), [texture]);
  const { p, q, s } = sign.transform;
  // Readable from both sides: the back is a second plane turned round (one double-sided plane would show
  // the text mirrored from behind).
  return (
    <group position={p} quaternion={q} scale={s} name={`text-${sign.entity}`}>
      {[0, Math.PI].map((turn) => (
        <mesh key={turn} rotation-y={turn}>
          <planeGeometry args={[width, height]} />
          <meshBasicMaterial map={texture} transparent toneMapped={false} />
        </mesh>
      ))}
    </group>
  );
}

/** A sign's texture is drawn again only when the sign changed (an edit elsewhere leaves it). */
const DrawnSign = memo(SignText, (a, b) => JSON.stringify(a.sign) === JSON.stringify(b.sign));

/**
 * `fog` false: no fog and no HDR environment, whatever the scene says (the studio's solid view). `assetBase`:
 * the server's origin the environments are read from ('' = this page's).
 */
export function SceneDressing({
  store,
  fog: fogged = true,
  hdr = true,
  assetBase = '',
}: {
  store: SceneSource;
  fog?: boolean;
  /** Draw the scene's HDR environment, if it names one (SceneView's sceneDetail). */
  hdr?: boolean;
  assetBase?: string;
}) {
  const version = useSceneVersion(store);
  // The scene changes only with its version.
  const { signs, environment } = useMemo(() => dressingOf(store.scene), [version, store]);
  const scene = useThree((state) => state.scene);
  useEffect(() => {
    const sky = environment?.sky ?? DEFAULT_SKY;
    scene.background = new Color(sky);
    const fog = environment?.fog;
    scene.fog = fogged
      ? new Fog(fog?.color ?? sky, fog?.near ?? DEFAULT_FOG.near, fog?.far ?? DEFAULT_FOG.far)
      : null;
    if (!fogged || !hdr || !environment?.hdri) return;
    return applyHdri(scene, store, environment.hdri, environment.hdriSky, new Color(sky), assetBase);
  }, [environment, scene, fogged, hdr, store, assetBase]);
  return (
    <group>
      {signs.map((sign) => (
        <DrawnSign key={sign.entity} sign={sign} />
      ))}
    </group>
  );
}
