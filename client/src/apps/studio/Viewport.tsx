/**
 * The editor's 3D view: the shared scene renderer with editor overlays, the orbit camera, handles on the
 * selected entity, click to select (Ctrl/⌘ adds or removes), Shift+drag to select what lies in a
 * rectangle, and drops: a model dragged from the asset panel lands on the surface under the pointer, model
 * files dropped here are uploaded and then placed where they fell.
 *
 * Two ways to draw it (the buttons in its corner, remembered in this browser): Lit, the scene's own lights
 * and fog as visitors see them; Solid, a sky light and a sun only, no fog — quick, and a whole world framed
 * is not lost in its fog. Where WebGL runs in software (no GPU: SwiftShader, llvmpipe) the studio starts in
 * Solid, draws at half resolution without antialiasing (multisampling costs SwiftShader as much as the
 * scene) and keeps the models within a triangle budget (model-detail.ts), so it stays usable; with a GPU it
 * starts Lit, at full resolution with antialiasing, every model at the detail its size calls for. Either
 * way it draws only when something changed (DrawOnChange): a still studio leaves the GPU, and the machine,
 * alone.
 */
import { Canvas } from '@react-three/fiber';
import { useRef, useState, type PointerEvent } from 'react';
import { SOFTWARE_TRIANGLE_BUDGET } from '../../shared/scene/model-detail.js';
import { webglInSoftware } from '../../shared/scene/webgl-in-software.js';
import type { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { TransformControls } from 'three/examples/jsm/controls/TransformControls.js';
import type { SceneDocument, SceneEntity } from '../../../../protocol/index.js';
import { DrawOnChange } from '../../shared/scene/DrawOnChange.js';
import { SceneView } from '../../shared/scene/SceneView.js';
import type { SceneSource } from '../../shared/scene/scene-source.js';
import { ASSET_DRAG_TYPE } from './AssetPanel.js';
import { EditorCamera, type CameraView } from './EditorCamera.js';
import { TransformGizmo, type GizmoMode } from './TransformGizmo.js';
import { ViewportTools, type ViewportApi } from './ViewportTools.js';
import { OtherEditorsView } from './live/OtherEditorsView.js';
import type { OtherEditor } from './live/live-draft-session.js';

/** Pointer travel (px) under which a press and release is a click, not a drag. */
const CLICK_PX = 4;
/** The view's pixels per CSS pixel where WebGL runs in software. */
const SOFTWARE_PIXEL_RATIO = 0.5;
/** Where the creator's choice of Lit or Solid is kept. */
const SHADING_KEY = 'mib.studio.shading';

type Shading = 'lit' | 'solid';
const storedShading = (): Shading | null => {
  const stored = localStorage.getItem(SHADING_KEY);
  return stored === 'lit' || stored === 'solid' ? stored : null;
};

export function Viewport({
  source,
  scene,
  primary,
  canEdit,
  mode,
  space,
  snap,
  surface,
  initialView,
  api,
  onSelect,
  onTransform,
  onDropAsset,
  onDropFile,
  others = [],
  onPointer,
}: {
  source: SceneSource;
  scene: SceneDocument | null;
  /** The entity with the handles (the last selected). */
  primary: string | null;
  canEdit: boolean;
  mode: GizmoMode;
  space: 'world' | 'local';
  snap: boolean;
  /** Moving stands the entity on the surface under the pointer. */
  surface: boolean;
  initialView: CameraView | null;
  api: { current: ViewportApi | null };
  /** `ids` picked by a click (at most one) or a rectangle; `add` when Ctrl/⌘ was held. */
  onSelect: (ids: string[], add: boolean) => void;
  onTransform: (transform: SceneEntity['transform']) => void;
  onDropAsset: (asset: { hash: string; name: string }, at: [number, number, number]) => void;
  onDropFile: (file: File, at: [number, number, number]) => void;
  /** Other editors live on this draft (their cameras, pointers and selections are drawn). */
  others?: OtherEditor[];
  /** Where the pointer rests on the scene (metres), or null when it leaves the view. */
  onPointer?: (at: [number, number, number] | null) => void;
}) {
  const [orbit, setOrbit] = useState<OrbitControls | null>(null);
  const handles = useRef<TransformControls | null>(null);
  const press = useRef<{ x: number; y: number; box: boolean; onHandle: boolean } | null>(null);
  const [box, setBox] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);
  const [software] = useState(webglInSoftware);
  const [chosen, setChosen] = useState<Shading | null>(storedShading);
  const shading: Shading = chosen ?? (software ? 'solid' : 'lit');
  const shade = (to: Shading) => {
    localStorage.setItem(SHADING_KEY, to);
    setChosen(to);
  };

  // In the capture phase: before the orbit controls see the press, so a Shift+drag never orbits.
  const down = (event: PointerEvent) => {
    if (event.button !== 0) return;
    const onHandle = handles.current?.axis != null;
    press.current = { x: event.clientX, y: event.clientY, box: event.shiftKey && !onHandle, onHandle };
    if (press.current.box && orbit) orbit.enabled = false; // Shift+drag draws a rectangle, not an orbit
  };
  const move = (event: PointerEvent) => {
    const at = press.current;
    if (at?.box) setBox({ x0: at.x, y0: at.y, x1: event.clientX, y1: event.clientY });
    if (onPointer && api.current) onPointer(api.current.surfaceAt(event.clientX, event.clientY));
  };
  const up = (event: PointerEvent) => {
    const at = press.current;
    press.current = null;
    if (!at || !api.current) return;
    const add = event.ctrlKey || event.metaKey;
    if (at.box) {
      if (orbit) orbit.enabled = true;
      setBox(null);
      if (Math.hypot(event.clientX - at.x, event.clientY - at.y) >= CLICK_PX)
        return onSelect(api.current.inRect(at.x, at.y, event.clientX, event.clientY), add);
    }
    if (at.onHandle || Math.hypot(event.clientX - at.x, event.clientY - at.y) >= CLICK_PX) return;
    const id = api.current.pick(event.clientX, event.clientY);
    onSelect(id ? [id] : [], add);
  };

  return (
    <section
      className="studio-viewport"
      aria-label="Viewport"
      onPointerDownCapture={down}
      onPointerMove={move}
      onPointerUp={up}
      onPointerLeave={() => onPointer?.(null)}
      onDragOver={(event) => {
        if (!canEdit) return;
        const types = event.dataTransfer.types;
        if (types.includes(ASSET_DRAG_TYPE) || types.includes('Files')) event.preventDefault();
      }}
      onDrop={(event) => {
        if (!canEdit || !api.current) return;
        event.preventDefault();
        const at = api.current.surfaceAt(event.clientX, event.clientY);
        const asset = event.dataTransfer.getData(ASSET_DRAG_TYPE);
        if (asset) return onDropAsset(JSON.parse(asset) as { hash: string; name: string }, at);
        for (const file of event.dataTransfer.files) onDropFile(file, at);
      }}
    >
      <Canvas
        camera={{ position: [12, 10, 14], fov: 50, near: 0.1, far: 1000 }}
        // Given on every render: the canvas applies its `dpr` each time it renders, so a resolution set
        // any other way would not last.
        dpr={software ? SOFTWARE_PIXEL_RATIO : [1, 2]}
        gl={{ antialias: !software }}
      >
        <DrawOnChange />
        <SceneView
          source={source}
          editor
          showColliders={false}
          lighting={shading === 'lit' ? 'scene' : 'studio'}
          triangleBudget={software ? SOFTWARE_TRIANGLE_BUDGET : undefined}
        />
        <EditorCamera scene={scene} initialView={initialView} onControls={setOrbit} />
        <ViewportTools scene={scene} orbit={orbit} api={api} />
        {others.length > 0 && <OtherEditorsView others={others} scene={scene} />}
        {canEdit && (
          <TransformGizmo
            scene={scene}
            entity={scene && primary && scene.entities[primary] ? primary : null}
            mode={mode}
            space={space}
            snap={snap}
            surface={surface}
            orbit={orbit}
            handles={handles}
            onChange={onTransform}
          />
        )}
      </Canvas>
      <span className="studio-shading" role="group" aria-label="Shading">
        {(['solid', 'lit'] as const).map((to) => (
          <button
            key={to}
            type="button"
            aria-pressed={shading === to}
            className={shading === to ? 'selected' : ''}
            title={
              to === 'lit'
                ? "The scene's lights and fog, as visitors see them"
                : 'A sky light and a sun only, no fog (quicker to draw)'
            }
            onClick={() => shade(to)}
          >
            {to === 'lit' ? 'Lit' : 'Solid'}
          </button>
        ))}
      </span>
      {box && (
        <div
          className="studio-box-select"
          style={{
            left: Math.min(box.x0, box.x1),
            top: Math.min(box.y0, box.y1),
            width: Math.abs(box.x1 - box.x0),
            height: Math.abs(box.y1 - box.y0),
          }}
        />
      )}
    </section>
  );
}
