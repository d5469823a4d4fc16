/** Room names registered with the matchmaker. */
export const RoomName = {
  /** One live instance of a world. */
  world: 'world',
} as const;
export type RoomName = (typeof RoomName)[keyof typeof RoomName];

/** Slug of the world seeded on first start. */
export const DEMO_WORLD_SLUG = 'demo';
