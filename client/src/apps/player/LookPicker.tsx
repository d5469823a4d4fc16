/**
 * The entry page's avatar picker: the visitor's build and headwear as two rows of choices, with the avatar
 * itself turning slowly beside them in the chosen colour and look — drawn by the world's own avatar
 * renderer, so what is picked here is exactly what others will see.
 */
import { radioGroupKeys, radioTabIndex } from './radio-keys.js';
import { Canvas, useFrame, useThree } from '@react-three/fiber';
import { useEffect, useState } from 'react';
import {
  AVATAR_BUILDS,
  AVATAR_HEADWEAR,
  bodyAt,
  type AvatarBuild,
  type AvatarHeadwear,
  type AvatarLook,
} from '../../../../protocol/index.js';
import { drawnLook } from '../../shared/avatars/avatar-look.js';
import { AvatarRenderer, type DrawnAvatar } from '../../shared/avatars/avatar-renderer.js';
import { createMotionState } from '../../shared/avatars/motion-state.js';
import { loadSettings, pageStorage } from '../../shared/world/settings.js';
import { FrameRateLimit, frameloopFor } from '../../shared/world/view/FrameRateLimit.js';
import { DEFAULT_TAG_HEIGHT, parseColor } from '../../shared/world/world-store.js';

const BUILD_LABELS: Record<AvatarBuild, string> = { regular: 'Regular', slim: 'Slim', broad: 'Broad' };
const HEADWEAR_LABELS: Record<AvatarHeadwear, string> = {
  none: 'Nothing',
  cap: 'Cap',
  bun: 'Bun',
  horns: 'Horns',
};

/** Radians per second the preview turns. */
const TURN_SPEED = 0.7;

function PreviewAvatar({ look, color }: { look: AvatarLook; color: string }) {
  const [renderer] = useState(
    () => new AvatarRenderer({ capacity: 1, nearMax: 1, nearDistance: Infinity, lodDistances: [] }),
  );
  const [avatar] = useState<DrawnAvatar>(() => ({
    id: 'preview',
    body: bodyAt(0, 0),
    colorHex: 0,
    look: drawnLook(''),
    motion: createMotionState(),
    seated: false,
    wornModel: '',
    wornSlot: 'head' as const,
    avatarModel: '',
    figure: { tagHeight: DEFAULT_TAG_HEIGHT },
  }));
  useEffect(() => {
    avatar.colorHex = parseColor(color);
    avatar.look = drawnLook(`${look.build}-${look.headwear}`);
  }, [avatar, look, color]);
  const camera = useThree((state) => state.camera);
  useEffect(() => camera.lookAt(0, 1.05, 0), [camera]);
  useFrame((state, delta) => {
    avatar.body.yaw = Math.PI + Math.sin(state.clock.elapsedTime * TURN_SPEED) * 0.9;
    renderer.draw([avatar], 1, true, camera, state.clock.elapsedTime, Math.min(delta, 0.25));
  });
  return <primitive object={renderer.root} />;
}

function Choices<T extends string>(props: {
  label: string;
  name: string;
  options: readonly T[];
  labels: Record<T, string>;
  value: T;
  onChange: (value: T) => void;
}) {
  return (
    <div
      className="look-row"
      role="radiogroup"
      aria-label={props.label}
      onKeyDown={radioGroupKeys(props.options, props.value, props.onChange)}
    >
      <span className="look-label">{props.label}</span>
      {props.options.map((option) => (
        <button
          type="button"
          key={option}
          role="radio"
          aria-checked={option === props.value}
          tabIndex={radioTabIndex(props.options, props.value, option)}
          data-look={`${props.name}:${option}`}
          className={`look-choice ${option === props.value ? 'chosen' : ''}`}
          onClick={() => props.onChange(option)}
        >
          {props.labels[option]}
        </button>
      ))}
    </div>
  );
}

export function LookPicker(props: { look: AvatarLook; color: string; onChange: (look: AvatarLook) => void }) {
  const { look, onChange } = props;
  // The preview keeps to the visitor's frame-rate cap too.
  const [maxFps] = useState(() => loadSettings(pageStorage()).maxFps);
  return (
    <div className="look-picker">
      <div className="look-preview" aria-hidden="true">
        <Canvas camera={{ position: [0, 1.25, -3.5], fov: 38 }} dpr={1} frameloop={frameloopFor(maxFps)}>
          <FrameRateLimit fps={maxFps} />
          <hemisphereLight args={['#ffffff', '#55704a', 1.4]} />
          <directionalLight position={[2, 4, -3]} intensity={1.4} />
          <PreviewAvatar look={look} color={props.color} />
        </Canvas>
      </div>
      <div className="look-options">
        <Choices
          label="Build"
          name="build"
          options={AVATAR_BUILDS}
          labels={BUILD_LABELS}
          value={look.build}
          onChange={(build) => onChange({ ...look, build })}
        />
        <Choices
          label="On your head"
          name="headwear"
          options={AVATAR_HEADWEAR}
          labels={HEADWEAR_LABELS}
          value={look.headwear}
          onChange={(headwear) => onChange({ ...look, headwear })}
        />
      </div>
    </div>
  );
}
