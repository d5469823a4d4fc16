/**
 * The User Timing mark the player leaves on the first frame it draws after the visitor entered (loading
 * at 1; see WorldStore.enteredAt): `performance.getEntriesByName(FIRST_FRAME_MARK)` says when the world
 * first showed. bench:client reads it.
 */
export const FIRST_FRAME_MARK = 'mib:first-frame';
