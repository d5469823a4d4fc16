/** Settings: graphics quality, voice volume and the controls, for this browser (see settings.ts). */
import { QUALITY_PRESETS, type PlayerSettings, type QualityPreset, withPreset } from './settings.js';

const CONTROLS: Array<[string, string]> = [
  ['W A S D / arrows', 'move'],
  ['Shift', 'run'],
  ['Space', 'jump'],
  ['E', 'use what is in reach (sit, press, pick up)'],
  ['1 – 6', 'emotes'],
  ['Enter', 'chat (Enter sends, Escape goes back)'],
];

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
      <label>
        Pixel ratio <output>{settings.pixelRatio.toFixed(2)}</output>
        <input
          type="range"
          aria-label="Pixel ratio"
          min={0.5}
          max={2}
          step={0.25}
          value={settings.pixelRatio}
          onChange={(event) => set({ pixelRatio: Number(event.target.value) })}
        />
      </label>
      <label className="check">
        <input
          type="checkbox"
          aria-label="Shadows"
          checked={settings.shadows}
          onChange={(event) => set({ shadows: event.target.checked })}
        />
        Shadows
      </label>
      <label>
        Detail distance <output>{settings.lodBias.toFixed(1)}×</output>
        <input
          type="range"
          aria-label="Detail distance"
          min={0.5}
          max={2}
          step={0.1}
          value={settings.lodBias}
          onChange={(event) => set({ lodBias: Number(event.target.value) })}
        />
      </label>
      <div className="settings-title">Audio</div>
      <label>
        Voice volume <output>{Math.round(settings.voiceVolume * 100)} %</output>
        <input
          type="range"
          aria-label="Voice volume"
          min={0}
          max={1}
          step={0.05}
          value={settings.voiceVolume}
          onChange={(event) => onChange({ ...settings, voiceVolume: Number(event.target.value) })}
        />
      </label>
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
