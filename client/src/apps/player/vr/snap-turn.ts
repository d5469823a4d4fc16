/**
 * Snap turning on a thumbstick: pushed past ENGAGE to one side, the view turns SNAP_TURN at once (no smooth
 * rotation — the usual comfort choice); the stick must come back under RELEASE before it turns again.
 */

/** One snap, in radians (30°). */
export const SNAP_TURN = Math.PI / 6;
const ENGAGE = 0.7;
const RELEASE = 0.3;

export class SnapTurn {
  private engaged = false;

  /**
   * The turn this frame's stick position gives (radians about the up axis; pushing right turns right,
   * which is negative), or 0.
   */
  update(stickX: number): number {
    if (this.engaged) {
      if (Math.abs(stickX) < RELEASE) this.engaged = false;
      return 0;
    }
    if (Math.abs(stickX) <= ENGAGE) return 0;
    this.engaged = true;
    return stickX > 0 ? -SNAP_TURN : SNAP_TURN;
  }
}
