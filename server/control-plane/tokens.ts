/** Injection tokens for values (not classes) the control plane's providers need. */
export const DATABASE = Symbol('DATABASE');
export const SCENE_EVENTS = Symbol('SCENE_EVENTS');
export const POPULATION = Symbol('POPULATION');
export const CONTROL_PLANE_CONFIG = Symbol('CONTROL_PLANE_CONFIG');
