/** The wire contract and the shared simulation. Pure: imports nothing that does I/O. */
export * from './simulation.js';
export * from './messages.js';
export * from './state.js';
export * from './rooms.js';
export * from './movement-frame.js';
export * from './avatar-tracker.js';
export * from './scene.js';
export * from './scene-colliders.js';
export * from './items.js';
export * from './render-contract.js';
export * from './scene-models.js';
export * from './scene-transforms.js';
export * from './avatar-appearance.js';
export * from './scene-convert.js';
export * from './scene-references.js';
export type { SceneV1Document, SceneV1DocumentInput, SceneV1EntityInput } from './scene-v1.js';
export * from './scene-limits.js';
