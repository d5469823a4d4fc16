/**
 * The selected entity's components, each a form generated from its schema (SchemaField.tsx), with add and
 * remove. An edit the schema refuses stays in the form with the reason under the field and is never sent;
 * one the whole scene refuses (a portal to a spawn point that is not there, a second default spawn) says
 * why under the component. Valid edits are commands of the draft session, so they undo and save like any.
 */
import { useContext, useEffect, useState } from 'react';
import {
  COMPONENT_TYPES,
  componentSchemas,
  type SceneComponentType,
  type SceneDocument,
} from '../../../../../protocol/index.js';
import type { Command } from '../draft-session.js';
import { componentCommand } from '../entity-commands.js';
import { COMPONENT_FORMS, COMPONENT_TITLES, messagesByPath, starterComponent } from './component-forms.js';
import { ReferenceChoicesContext } from './ReferencePicker.js';
import { SchemaField } from './SchemaField.js';

/** Runs a command; answers why the draft refused it, or null. */
export type RunCommand = (command: Command) => string | null;

function ComponentForm({
  scene,
  entity,
  type,
  canEdit,
  run,
}: {
  scene: SceneDocument;
  entity: string;
  type: SceneComponentType;
  canEdit: boolean;
  run: RunCommand;
}) {
  const stored = scene.entities[entity]?.components[type];
  /** What the creator typed that is not valid yet (shown instead of the stored value), if anything. */
  const [typed, setTyped] = useState<unknown>(undefined);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const storedText = JSON.stringify(stored);
  useEffect(() => {
    setTyped(undefined);
    setErrors({});
  }, [storedText, entity]);

  const change = (next: unknown) => {
    const parsed = componentSchemas[type].safeParse(next);
    if (!parsed.success) {
      setTyped(next);
      setErrors(messagesByPath(parsed.error));
      return;
    }
    const refused = run(componentCommand(scene, entity, type, next));
    if (refused) {
      setTyped(next);
      setErrors({ '': refused });
    }
  };
  const title = COMPONENT_TITLES[type];
  return (
    <section className="studio-component" aria-label={title}>
      <header>
        <h3>{title}</h3>
        {canEdit && (
          <button
            type="button"
            aria-label={`Remove ${title.toLowerCase()}`}
            onClick={() => run(componentCommand(scene, entity, type, undefined))}
          >
            Remove
          </button>
        )}
      </header>
      <SchemaField
        schema={COMPONENT_FORMS[type]}
        value={typed ?? stored}
        path=""
        label=""
        disabled={!canEdit}
        errors={errors}
        holder={undefined}
        onChange={change}
      />
    </section>
  );
}

export function ComponentsPanel({
  scene,
  entity,
  canEdit,
  run,
}: {
  scene: SceneDocument;
  entity: string;
  canEdit: boolean;
  run: RunCommand;
}) {
  const choices = useContext(ReferenceChoicesContext);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => setProblem(null), [entity]);
  const components = scene.entities[entity]?.components ?? {};
  const present = COMPONENT_TYPES.filter((type) => components[type] !== undefined);
  const missing = COMPONENT_TYPES.filter((type) => components[type] === undefined);
  return (
    <div className="studio-components">
      {present.length === 0 && (
        <p className="studio-empty">No components: this entity only groups and places.</p>
      )}
      {present.map((type) => (
        <ComponentForm key={type} scene={scene} entity={entity} type={type} canEdit={canEdit} run={run} />
      ))}
      {canEdit && missing.length > 0 && (
        <label className="studio-add-component">
          Add component
          <select
            value=""
            onChange={(event) => {
              const type = event.target.value as SceneComponentType;
              if (!type) return;
              const starter = starterComponent(type, scene, choices.assets[0]?.hash);
              if (typeof starter === 'string')
                return setProblem(`Cannot add a ${COMPONENT_TITLES[type].toLowerCase()}: ${starter}.`);
              setProblem(run(componentCommand(scene, entity, type, starter)));
            }}
          >
            <option value="">Choose…</option>
            {missing.map((type) => (
              <option key={type} value={type}>
                {COMPONENT_TITLES[type]}
              </option>
            ))}
          </select>
        </label>
      )}
      {problem && (
        <p className="studio-field-error" role="alert">
          {problem}
        </p>
      )}
    </div>
  );
}
