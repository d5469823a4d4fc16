/**
 * What bench:collab counts as a lost edit: a marker an editor saw accepted (applied, or saved over REST)
 * that the final document lacks, when nothing explains it — not a later (or concurrent) write to the same
 * property of the same entity, and not the entity's deletion (a delete wins over edits).
 */
import type { Marked } from './edits.js';

/** Writes to one property this close together count as concurrent: either may end up the winner, in ms. */
export const CONCURRENT_MS = 1_000;

export function lostEdits(
  accepted: readonly Marked[],
  final: Record<string, { name?: string; transform: { position: number[] } }>,
): Marked[] {
  const byProperty = new Map<string, Marked[]>();
  for (const edit of accepted) {
    const key = `${edit.entity}\u0000${edit.property}`;
    byProperty.set(key, [...(byProperty.get(key) ?? []), edit]);
  }
  return accepted.filter((edit) => {
    const entity = final[edit.entity];
    if (!entity) return false; // deleted: the delete won
    const now = edit.property === 'name' ? entity.name : `x${entity.transform.position[0]}`;
    if (now === edit.marker) return false;
    const rivals = byProperty.get(`${edit.entity}\u0000${edit.property}`) ?? [];
    return !rivals.some((other) => other !== edit && other.at >= edit.at - CONCURRENT_MS);
  });
}
