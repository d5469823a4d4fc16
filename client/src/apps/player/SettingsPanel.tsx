/** Settings: graphics quality, voice volume and the controls, for this browser (see settings.ts). */
import {
  FRAME_RATE_LIMITS,
  QUALITY_PRESETS,
  type PlayerSettings,
  type QualityPreset,
  withPreset,
} from '../../shared/world/settings.js';

const CONTROLS: Array<[string, string]> = [
  ['W A S D / arrows', 'move'],
  ['Shift', 'run'],
  ['Space', 'jump'],
  ['E', 'use what is in reach (sit, press, pick up)'],
  ['1 – 6', 'emotes'],
  ['Enter', 'chat (Enter sends, Escape goes back)'],
];

/** A labelled range input showing its value; `range` is [min, max, step]. */
function Slider(props: {
  label: string;
  shown: string;
  range: [number, number, number];
  value: number;
  onChange: (value: number) => void;
}) {
  const [min, max, step] = props.range;
  return (
    <label>
      {props.label} <output>{props.shown}</output>
      <input
        type="range"
        aria-label={props.label}
        min={min}
        max={max}
        step={step}
        value={props.value}
        onChange={(event) => props.onChange(Number(event.target.value))}
      />
    </label>
  );
}

/** A labelled checkbox. */
function Check(props: { label: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label className="check">
      <input
        type="checkbox"
        aria-label={props.label}
        checked={props.checked}
        onChange={(event) => props.onChange(event.target.checked)}
      />
      {props.label}
    </label>
  );
}

export function SettingsPanel({
  settings,
  onChange,
}: {
  settings: PlayerSettings;
  onChange: (next: PlayerSettings) => void;
}) {
  const set = (change: Partial<PlayerSettings>) => onChange({ ...settings, ...change, quality: 'custom' });
  return (
    <div className="settings" role="dialog" aria-label="Settings">
      <div className="settings-title">Graphics</div>
      <label>
        Quality
        <select
          aria-label="Quality"
          value={settings.quality}
          onChange={(event) => {
            const quality = event.target.value;
            if (quality in QUALITY_PRESETS) onChange(withPreset(settings, quality as QualityPreset));
          }}
        >
          <option value="low">Low</option>
          <option value="medium">Medium</option>
          <option value="high">High</option>
          <option value="custom" disabled>
            Custom
          </option>
        </select>
      </label>
      <Slider
        label="Pixel ratio"
        shown={settings.pixelRatio.toFixed(2)}
        range={[0.5, 2, 0.25]}
        value={settings.pixelRatio}
        onChange={(pixelRatio) => set({ pixelRatio })}
      />
      <Check label="Shadows" checked={settings.shadows} onChange={(shadows) => set({ shadows })} />
      <Check
        label="Detailed sky and ground"
        checked={settings.sceneDetail}
        onChange={(sceneDetail) => set({ sceneDetail })}
      />
      <Check
        label="Ambient occlusion and glow"
        checked={settings.effects}
        onChange={(effects) => set({ effects })}
      />
      <Slider
        label="Detail distance"
        shown={`${settings.lodBias.toFixed(1)}×`}
        range={[0.5, 2, 0.1]}
        value={settings.lodBias}
        onChange={(lodBias) => set({ lodBias })}
      />
      <label>
        Frame rate limit
        <select
          aria-label="Frame rate limit"
          value={settings.maxFps}
          onChange={(event) => onChange({ ...settings, maxFps: Number(event.target.value) })}
        >
          {/* A stored limit the list does not offer (the schema allows any up to 240) is shown as it is. */}
          {[
            ...FRAME_RATE_LIMITS,
            ...((FRAME_RATE_LIMITS as readonly number[]).includes(settings.maxFps) ? [] : [settings.maxFps]),
          ].map((fps) => (
            <option key={fps} value={fps}>
              {fps === 0 ? 'None (display rate)' : `${fps} fps`}
            </option>
          ))}
        </select>
      </label>
      <Check
        label="Show colliders"
        checked={settings.showColliders}
        onChange={(showColliders) => onChange({ ...settings, showColliders })}
      />
      <div className="settings-title">Audio</div>
      <Slider
        label="Voice volume"
        shown={`${Math.round(settings.voiceVolume * 100)} %`}
        range={[0, 1, 0.05]}
        value={settings.voiceVolume}
        onChange={(voiceVolume) => onChange({ ...settings, voiceVolume })}
      />
      <Slider
        label="Video volume"
        shown={`${Math.round(settings.mediaVolume * 100)} %`}
        range={[0, 1, 0.05]}
        value={settings.mediaVolume}
        onChange={(mediaVolume) => onChange({ ...settings, mediaVolume })}
      />
      <div className="settings-title">Controls</div>
      <dl className="controls">
        {CONTROLS.map(([keys, action]) => (
          <div key={keys}>
            <dt>{keys}</dt>
            <dd>{action}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
