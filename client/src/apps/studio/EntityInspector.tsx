/**
 * The selected entity's fields: id, name, parent, position, rotation (degrees) and scale, its components
 * (forms generated from their schemas: properties/), and delete. Every change is a command of the draft session (the editor's `run`).
 */
import { Euler, Quaternion } from 'three';
import type { SceneDocument, SceneEntity } from '../../../../protocol/index.js';
import { ComponentsPanel, type RunCommand } from './properties/ComponentsPanel.js';
import { deleteEntityCommand, renameCommand } from './entity-commands.js';

const DEG = 180 / Math.PI;

/** Euler angles in degrees (XYZ) of a quaternion, for the inspector. */
function degreesOf(q: readonly number[]): [number, number, number] {
  const e = new Euler().setFromQuaternion(new Quaternion(q[0], q[1], q[2], q[3]));
  return [e.x * DEG, e.y * DEG, e.z * DEG].map((v) => Math.round(v * 100) / 100) as [number, number, number];
}

function quaternionOf(degrees: readonly number[]): [number, number, number, number] {
  const q = new Quaternion().setFromEuler(new Euler(degrees[0]! / DEG, degrees[1]! / DEG, degrees[2]! / DEG));
  return [q.x, q.y, q.z, q.w];
}

/** Three number fields (x, y, z) that hand back the whole vector when one changes. */
function VectorField({
  label,
  value,
  disabled,
  onChange,
}: {
  label: string;
  value: readonly number[];
  disabled: boolean;
  onChange: (next: [number, number, number]) => void;
}) {
  return (
    <fieldset className="studio-vector" disabled={disabled}>
      <legend>{label}</legend>
      {(['x', 'y', 'z'] as const).map((axis, i) => (
        <label key={axis}>
          {axis}
          <input
            type="number"
            step="0.1"
            aria-label={`${label} ${axis}`}
            value={Number(value[i]!.toFixed(4))}
            onChange={(event) => {
              const parsed = Number(event.target.value);
              if (!Number.isFinite(parsed) || event.target.value === '') return;
              const next = [...value] as [number, number, number];
              next[i] = parsed;
              onChange(next);
            }}
          />
        </label>
      ))}
    </fieldset>
  );
}

export function EntityInspector({
  scene,
  entity: chosen,
  canEdit,
  run,
  setTransform,
  onDeleted,
}: {
  scene: SceneDocument;
  entity: SceneEntity & { id: string };
  canEdit: boolean;
  run: RunCommand;
  setTransform: (transform: SceneEntity['transform']) => void;
  onDeleted: () => void;
}) {
  return (
    <form className="studio-form" onSubmit={(event) => event.preventDefault()}>
      <div className="studio-field">
        <span>Id</span> <code>{chosen.id}</code>
      </div>
      <label>
        Name
        <input
          key={`${chosen.id}-${chosen.name ?? ''}`}
          defaultValue={chosen.name ?? ''}
          disabled={!canEdit}
          maxLength={120}
          onBlur={(event) => {
            if (event.target.value.trim() !== (chosen.name ?? ''))
              run(renameCommand(scene, chosen.id, event.target.value));
          }}
          onKeyDown={(event) => {
            if (event.key === 'Enter') (event.target as HTMLInputElement).blur();
          }}
        />
      </label>
      <div className="studio-field">
        <span>Parent</span> {chosen.parent ?? 'none (a root entity)'}
      </div>
      <VectorField
        label="Position (m)"
        value={chosen.transform.position}
        disabled={!canEdit}
        onChange={(position) => setTransform({ ...chosen.transform, position })}
      />
      <VectorField
        label="Rotation (°)"
        value={degreesOf(chosen.transform.rotation)}
        disabled={!canEdit}
        onChange={(degrees) => setTransform({ ...chosen.transform, rotation: quaternionOf(degrees) })}
      />
      <VectorField
        label="Scale"
        value={chosen.transform.scale}
        disabled={!canEdit}
        onChange={(scale) => setTransform({ ...chosen.transform, scale })}
      />
      <ComponentsPanel scene={scene} entity={chosen.id} canEdit={canEdit} run={run} />
      {canEdit && (
        <button
          type="button"
          onClick={() => {
            run(deleteEntityCommand(scene, chosen.id));
            onDeleted();
          }}
        >
          Delete entity
        </button>
      )}
    </form>
  );
}
