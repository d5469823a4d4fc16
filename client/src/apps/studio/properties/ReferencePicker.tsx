/**
 * Pickers for what a component refers to: an uploaded asset (the world's library and your uploads), an
 * uploaded HDR environment (with its preview), a world (those you can see), a spawn point (this scene's, or the target world's published ones) and an NFT
 * binding (yours for this world). The choices come from `ReferenceChoices`, loaded once per open world by
 * the components panel; a value not among them (an asset someone else uploaded) stays shown and chosen.
 */
import { createContext, useContext, useEffect, useId, useState } from 'react';
import type { ReferenceKind } from './component-forms.js';

export interface ReferenceChoices {
  /** Models (every profile but environment). */
  assets: { hash: string; name: string }[];
  /** Uploaded HDR environments, with their 256 × 128 previews. */
  environments: { hash: string; name: string; thumbnailUrl: string | null }[];
  worlds: { slug: string; name: string }[];
  bindings: { id: string; name: string }[];
  /** Spawn point names: of this scene (no world), or of another world's published scene. */
  spawnsOf: (world: string | undefined) => Promise<string[]>;
}

export const ReferenceChoicesContext = createContext<ReferenceChoices>({
  assets: [],
  environments: [],
  worlds: [],
  bindings: [],
  spawnsOf: () => Promise.resolve([]),
});

function Choices({
  label,
  value,
  disabled,
  onChange,
  choices,
}: {
  label: string;
  value: string;
  disabled: boolean;
  onChange: (next: string) => void;
  choices: { value: string; name: string }[];
}) {
  const known = choices.some((choice) => choice.value === value);
  return (
    <select aria-label={label} value={value} disabled={disabled} onChange={(e) => onChange(e.target.value)}>
      {!known && (
        <option value={value}>{value ? `${value.slice(0, 12)}… (not in your lists)` : 'Choose…'}</option>
      )}
      {choices.map((choice) => (
        <option key={choice.value} value={choice.value}>
          {choice.name}
        </option>
      ))}
    </select>
  );
}

export function ReferencePicker({
  kind,
  label,
  value,
  world,
  disabled,
  onChange,
}: {
  kind: ReferenceKind;
  label: string;
  value: string;
  /** For a spawn: the portal's target world (absent = this world). */
  world: string | undefined;
  disabled: boolean;
  onChange: (next: string) => void;
}) {
  const choices = useContext(ReferenceChoicesContext);
  const listId = useId();
  const [spawns, setSpawns] = useState<string[]>([]);
  useEffect(() => {
    if (kind !== 'spawn') return;
    let live = true;
    void choices.spawnsOf(world).then((names) => live && setSpawns(names));
    return () => {
      live = false;
    };
  }, [kind, world, choices]);

  if (kind === 'environment') {
    const chosen = choices.environments.find((environment) => environment.hash === value);
    return (
      <span className="studio-environment-picker">
        <Choices
          label={label}
          value={value}
          disabled={disabled}
          onChange={onChange}
          choices={choices.environments.map((environment) => ({
            value: environment.hash,
            name: environment.name,
          }))}
        />
        {chosen?.thumbnailUrl && (
          <img src={chosen.thumbnailUrl} alt={`Preview of ${chosen.name}`} width={128} height={64} />
        )}
        {choices.environments.length === 0 && (
          <small>Upload an .exr or .hdr panorama in the Assets tab first.</small>
        )}
      </span>
    );
  }
  if (kind !== 'spawn') {
    const listed = {
      asset: choices.assets.map((asset) => ({ value: asset.hash, name: asset.name })),
      world: choices.worlds.map((w) => ({ value: w.slug, name: `${w.name} (${w.slug})` })),
      binding: choices.bindings.map((binding) => ({ value: binding.id, name: binding.name })),
    }[kind];
    return <Choices label={label} value={value} disabled={disabled} onChange={onChange} choices={listed} />;
  }
  // A spawn is free text with suggestions: the target world may gain the spawn point before it publishes.
  return (
    <>
      <input
        aria-label={label}
        list={listId}
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
      />
      <datalist id={listId}>
        {spawns.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
    </>
  );
}
