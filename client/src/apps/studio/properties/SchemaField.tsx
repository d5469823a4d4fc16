/**
 * One field of a component, drawn from its JSON Schema: objects as fieldsets (optional fields added and
 * removed with buttons), discriminated unions as a kind menu and the chosen kind's fields, vectors as a row
 * of numbers, enums as menus, colours as a colour well, references as pickers (ReferencePicker.tsx), numbers
 * with their bounds. Each change hands the whole new value up; the component form validates it and shows
 * the schema's message under the field it concerns.
 */
import { useEffect, useState } from 'react';
import {
  blankValue,
  discriminatorValues,
  fieldLabel,
  unionOptions,
  type JsonSchema,
} from './component-forms.js';
import { ReferencePicker } from './ReferencePicker.js';

export interface FieldProps {
  schema: JsonSchema;
  value: unknown;
  /** Dotted path inside the component: where its error message is looked up. */
  path: string;
  label: string;
  disabled: boolean;
  errors: Record<string, string>;
  onChange: (next: unknown) => void;
  /** The object holding this field (a spawn picker reads its sibling `world`). */
  holder: Record<string, unknown> | undefined;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function FieldError({ errors, path }: { errors: Record<string, string>; path: string }) {
  const message = errors[path];
  return message ? (
    <span className="studio-field-error" role="alert">
      {message}
    </span>
  ) : null;
}

/** A number typed freely (a lone "-" or "" is kept while typing); only a finite number is handed up. */
function NumberInput({
  value,
  schema,
  label,
  disabled,
  onChange,
}: {
  value: number | undefined;
  schema: JsonSchema;
  label: string;
  disabled: boolean;
  onChange: (next: number) => void;
}) {
  const shown = value === undefined ? '' : String(Number(value.toFixed(4)));
  const [text, setText] = useState(shown);
  useEffect(() => setText(shown), [shown]);
  return (
    <input
      type="number"
      aria-label={label}
      disabled={disabled}
      value={text}
      min={schema.minimum ?? schema.exclusiveMinimum}
      max={schema.maximum ?? schema.exclusiveMaximum}
      step={schema.type === 'integer' ? 1 : 'any'}
      onChange={(event) => {
        setText(event.target.value);
        const parsed = Number(event.target.value);
        if (event.target.value.trim() !== '' && Number.isFinite(parsed)) onChange(parsed);
      }}
    />
  );
}

function ObjectField({ schema, value, path, label, disabled, errors, onChange }: FieldProps) {
  const object = isRecord(value) ? value : {};
  const required = new Set(schema.required ?? []);
  const keys = Object.keys(schema.properties ?? {});
  const absent = keys.filter((key) => !required.has(key) && !Object.hasOwn(object, key));
  return (
    <fieldset className="studio-object" disabled={disabled}>
      {label && <legend>{label}</legend>}
      {keys
        .filter((key) => required.has(key) || Object.hasOwn(object, key))
        .map((key) => {
          const inner = schema.properties![key]!;
          return (
            <div key={key} className="studio-property">
              <SchemaField
                schema={inner}
                value={object[key]}
                path={join(path, key)}
                label={fieldLabel(key)}
                disabled={disabled}
                errors={errors}
                holder={object}
                onChange={(next) => onChange({ ...object, [key]: next })}
              />
              {!required.has(key) && (
                <button
                  type="button"
                  className="studio-unset"
                  aria-label={`Remove ${fieldLabel(key).toLowerCase()}`}
                  title={
                    inner.default !== undefined
                      ? `Back to the default (${JSON.stringify(inner.default)})`
                      : 'Remove'
                  }
                  onClick={() => {
                    const rest = { ...object };
                    delete rest[key];
                    onChange(rest);
                  }}
                >
                  ×
                </button>
              )}
            </div>
          );
        })}
      {absent.length > 0 && (
        <div className="studio-optional">
          {absent.map((key) => (
            <button
              key={key}
              type="button"
              title={schema.properties![key]!.description}
              onClick={() => onChange({ ...object, [key]: blankValue(schema.properties![key]!) })}
            >
              + {fieldLabel(key)}
            </button>
          ))}
        </div>
      )}
      <FieldError errors={errors} path={path} />
    </fieldset>
  );
}

/** A union: a kind menu (`kind` constants, or each option's kind of value) and the chosen option's field. */
function UnionField(props: FieldProps & { options: JsonSchema[] }) {
  const { options, value, label, disabled, onChange } = props;
  const kinds = discriminatorValues(options);
  const names = kinds ?? options.map(optionName);
  const chosen = kinds
    ? Math.max(0, kinds.indexOf(String((value as { kind?: unknown } | undefined)?.kind)))
    : Math.max(
        0,
        options.findIndex(
          (option) =>
            option.pattern !== undefined &&
            typeof value === 'string' &&
            new RegExp(option.pattern).test(value),
        ),
      );
  const option = options[chosen]!;
  return (
    <div className="studio-union">
      <label>
        {label}
        <select
          value={chosen}
          disabled={disabled}
          aria-label={`${label} kind`}
          onChange={(event) => onChange(blankValue(options[Number(event.target.value)]!))}
        >
          {names.map((name, i) => (
            <option key={name} value={i}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {kinds ? (
        <ObjectField
          {...props}
          label=""
          schema={{
            ...option,
            properties: Object.fromEntries(
              Object.entries(option.properties ?? {}).filter(([key]) => key !== 'kind'),
            ),
            required: (option.required ?? []).filter((key) => key !== 'kind'),
          }}
          value={value}
          onChange={(next) => onChange({ ...(next as object), kind: kinds[chosen] })}
        />
      ) : (
        <SchemaField {...props} schema={option} label={`${label} (${names[chosen]})`} />
      )}
    </div>
  );
}

/** What a union option holds, for its menu entry. */
function optionName(option: JsonSchema): string {
  if (option['x-widget'] === 'colour') return 'colour';
  if (option['x-reference'] === 'environment') return 'uploaded';
  if (option['x-reference']) return `${option['x-reference']}`;
  if (option.enum) return 'built-in';
  return option.type ?? 'value';
}

export function SchemaField(props: FieldProps) {
  const { schema, value, path, label, disabled, errors, onChange } = props;
  const options = unionOptions(schema);
  if (options) return <UnionField {...props} options={options} />;
  if (schema.type === 'object') return <ObjectField {...props} />;
  const hint = schema.description;
  let control;
  if (schema.type === 'array' && schema.prefixItems) {
    const list = Array.isArray(value) ? (value as number[]) : [];
    const axes = schema.prefixItems.length === 3 ? ['x', 'y', 'z'] : ['width', 'height'];
    control = (
      <span className="studio-tuple">
        {schema.prefixItems.map((item, i) => (
          <NumberInput
            key={i}
            schema={item}
            label={`${label} ${axes[i] ?? i}`}
            value={list[i]}
            disabled={disabled}
            onChange={(next) => {
              const copy = [...list];
              copy[i] = next;
              onChange(copy);
            }}
          />
        ))}
      </span>
    );
  } else if (schema.type === 'number' || schema.type === 'integer') {
    control = (
      <NumberInput
        schema={schema}
        label={label}
        value={typeof value === 'number' ? value : undefined}
        disabled={disabled}
        onChange={onChange}
      />
    );
  } else if (schema.type === 'boolean') {
    control = (
      <input
        type="checkbox"
        aria-label={label}
        checked={value === true}
        disabled={disabled}
        onChange={(event) => onChange(event.target.checked)}
      />
    );
  } else if (schema.enum) {
    control = (
      <select
        aria-label={label}
        value={String(value)}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
      >
        {schema.enum.map((choice) => (
          <option key={String(choice)} value={String(choice)}>
            {String(choice)}
          </option>
        ))}
      </select>
    );
  } else if (schema['x-widget'] === 'colour') {
    control = (
      <input
        type="color"
        aria-label={label}
        value={typeof value === 'string' ? value : '#ffffff'}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value.toLowerCase())}
      />
    );
  } else if (schema['x-reference']) {
    control = (
      <ReferencePicker
        kind={schema['x-reference']}
        label={label}
        value={typeof value === 'string' ? value : ''}
        world={typeof props.holder?.['world'] === 'string' ? props.holder['world'] : undefined}
        disabled={disabled}
        onChange={onChange}
      />
    );
  } else {
    const text = typeof value === 'string' ? value : '';
    control =
      (schema.maxLength ?? 0) > 200 ? (
        <textarea
          aria-label={label}
          value={text}
          disabled={disabled}
          rows={3}
          onChange={(e) => onChange(e.target.value)}
        />
      ) : (
        <input
          aria-label={label}
          value={text}
          disabled={disabled}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
  return (
    <label className="studio-schema-field" title={hint}>
      <span>{label}</span>
      {control}
      {hint && <small>{hint}</small>}
      <FieldError errors={errors} path={path} />
    </label>
  );
}
