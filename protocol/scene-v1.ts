/**
 * Schema 1 of the scene document, kept only to read old documents and convert them (`convertSceneV1()`):
 * entities in an array with their ids inside, components in a list with their types inside. Components
 * have the same fields as in schema 2.
 */
import { z } from 'zod';
import { componentSchemas, entityIdSchema, transformSchema } from './scene-components.js';

const withType = <T extends keyof typeof componentSchemas>(type: T) =>
  componentSchemas[type].extend({ type: z.literal(type) });

const v1Component = z.discriminatedUnion('type', [
  withType('model'),
  withType('light'),
  withType('environment'),
  withType('spawn-point'),
  withType('collider'),
  withType('portal'),
  withType('screen'),
  withType('nft-frame'),
  withType('voice-zone'),
  withType('text'),
  withType('interactable'),
]);

export const sceneV1EntitySchema = z.strictObject({
  id: entityIdSchema,
  name: z.string().max(120).optional(),
  parent: entityIdSchema.optional(),
  transform: transformSchema,
  components: z.array(v1Component).max(16).default([]),
});

/** A schema 1 document's shape (ids unique and parents existing are checked by the converter). */
export const sceneV1DocumentSchema = z.strictObject({
  schema: z.literal(1),
  entities: z.array(sceneV1EntitySchema).max(10_000),
});
export type SceneV1Document = z.infer<typeof sceneV1DocumentSchema>;
/** A schema 1 document as written (defaults not yet applied). */
export type SceneV1DocumentInput = z.input<typeof sceneV1DocumentSchema>;
export type SceneV1EntityInput = z.input<typeof sceneV1EntitySchema>;
