/** Room names registered with the matchmaker. */
export const RoomName = {
  /** One live instance of a world. */
  world: 'world',
  /**
   * A preview of a world's saved draft, for its editors (scene.read-draft): the draft's scene, reloaded
   * live when the draft is saved; the world's saved state is read but never written; no voice.
   */
  preview: 'preview',
  /**
   * A world's draft edited live by its editors (one room per draft across processes): Yjs updates checked
   * and relayed by the server, who is editing and where they look.
   */
  editor: 'editor',
} as const;
export type RoomName = (typeof RoomName)[keyof typeof RoomName];

/** Slug of the world seeded on first start. */
export const DEMO_WORLD_SLUG = 'demo';
