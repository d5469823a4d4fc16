/**
 * Checks rendered Kubernetes objects the way the API server would on `kubectl apply --validate=strict`,
 * with no cluster: types, required fields and enums against the published OpenAPI schemas (kubernetes-models'
 * validators), and unknown fields refused (the API server's strict field validation) from the official
 * client's model of every kind (@kubernetes/client-node's attribute maps). Both libraries are generated
 * from Kubernetes' own OpenAPI document.
 */
import * as client from '@kubernetes/client-node';
import type { KubeObject } from './kustomize.js';

interface Attribute {
  baseName: string;
  type: string;
}
interface ModelClass {
  getAttributeTypeMap(): Attribute[];
}

const models = client as unknown as Record<string, ModelClass | undefined>;

function modelOf(type: string): ModelClass | undefined {
  const model = models[type];
  return typeof model?.getAttributeTypeMap === 'function' ? model : undefined;
}

/** Every field the client's model of `type` does not know, with its path. */
function unknownFields(value: unknown, type: string, at: string): string[] {
  if (value === null || value === undefined) return [];
  const array = /^Array<(.+)>$/.exec(type);
  if (array)
    return Array.isArray(value)
      ? value.flatMap((item, i) => unknownFields(item, array[1]!, `${at}[${i}]`))
      : [];
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map)
    return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) =>
      unknownFields(item, map[1]!, `${at}.${key}`),
    );
  const model = modelOf(type);
  if (!model || typeof value !== 'object' || Array.isArray(value)) return [];
  const attributes = new Map(
    model.getAttributeTypeMap().map((attribute) => [attribute.baseName, attribute.type]),
  );
  return Object.entries(value as Record<string, unknown>).flatMap(([key, item]) => {
    const fieldType = attributes.get(key);
    return fieldType === undefined ? [`${at}.${key}`] : unknownFields(item, fieldType, `${at}.${key}`);
  });
}

/**
 * Kustomize folds long base64 values of a Secret over several lines; the API server's decoder (Go's
 * encoding/base64) skips line breaks, while the schema's "byte" format does not.
 */
function withoutLineBreaksInBytes(object: KubeObject): KubeObject {
  if (object.kind !== 'Secret' || typeof object.data !== 'object' || object.data === null) return object;
  const data = Object.fromEntries(
    Object.entries(object.data as Record<string, unknown>).map(([key, value]) => [
      key,
      typeof value === 'string' ? value.replace(/[\r\n]/g, '') : value,
    ]),
  );
  return { ...object, data };
}

/** apps/v1 StatefulSet → kubernetes-models/apps/v1/StatefulSet and the client's V1StatefulSet. */
function kindOf(object: KubeObject): { modulePath: string; clientType: string } {
  const [group, version] = object.apiVersion.includes('/')
    ? (object.apiVersion.split('/') as [string, string])
    : ['', object.apiVersion];
  const modulePath = `kubernetes-models/${group ? `${group}/` : ''}${version}/${object.kind}`;
  return { modulePath, clientType: `${version.charAt(0).toUpperCase()}${version.slice(1)}${object.kind}` };
}

/**
 * The problems with one object: schema violations and unknown fields, each naming kind/name and the path.
 * Empty when the API server would accept it.
 */
export async function kubeProblems(object: KubeObject): Promise<string[]> {
  const where = `${object.kind}/${object.metadata?.name ?? '?'}`;
  const { modulePath, clientType } = kindOf(object);
  if (!modelOf(clientType)) return [`${where}: ${object.apiVersion} ${object.kind} is not a Kubernetes kind`];
  const problems = unknownFields(object, clientType, '').map(
    (field) => `${where}: unknown field ${field.slice(1)}`,
  );
  const module = (await import(modulePath)) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = module[object.kind];
  if (!Model) return [...problems, `${where}: kubernetes-models has no ${modulePath}`];
  try {
    new Model(withoutLineBreaksInBytes(object)).validate();
  } catch (error) {
    problems.push(`${where}: ${(error as Error).message}`);
  }
  return problems;
}
