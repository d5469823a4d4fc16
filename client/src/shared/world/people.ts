/** Who is near this visitor, as the HUD shows them (read on its refresh, not per frame). */
import type { WorldStore } from './world-store.js';

export interface PersonView {
  id: string;
  name: string;
  inVoice: boolean;
  /** LiveKit's active-speaker detection says they are talking now (the name tag's outline). */
  speaking: boolean;
  mutedLocally: boolean;
  blocked: boolean;
}

export function readPeople(store: WorldStore): PersonView[] {
  return [...store.remotes.values()]
    .map((remote) => ({
      id: remote.id,
      name: remote.name,
      inVoice: remote.inVoice,
      speaking: store.speaking.has(remote.id),
      mutedLocally: store.mutedLocally.has(remote.id),
      blocked: store.blocked.has(remote.id),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
