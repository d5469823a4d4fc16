/**
 * Who hears whom, decided on the server: each visitor of an instance is assigned one voice room.
 * - Inside a scene voice zone (a box around its entity): the zone's room. `private` and `global` zones are
 *   heard only by those inside; in a `stage` zone everyone inside listens and only speakers publish.
 * - Elsewhere: an island of nearby visitors. Two visitors are linked when within `joinRadius`, or within
 *   `leaveRadius` when they shared an island last time (hysteresis: people talking do not drop out by
 *   stepping back a little); an island is a connected group of links. An island larger than `maxSize` is
 *   split at the median of its longer extent until each part fits.
 * Islands keep their id from one computation to the next (the id most of their members had), so people
 * standing together stay in the same LiveKit room while others come and go.
 * Pure: no I/O, deterministic for the same input; O(n) expected with a uniform grid.
 */

import type { VoiceZone } from '../../protocol/index.js';

export interface VoiceParams {
  /** Visitors closer than this (metres, horizontal) join one island. */
  joinRadius: number;
  /** Visitors who shared an island stay linked until farther apart than this (metres; ≥ joinRadius). */
  leaveRadius: number;
  /** Largest island; bigger groups are split spatially. */
  maxSize: number;
}

export const DEFAULT_VOICE_PARAMS: VoiceParams = { joinRadius: 16, leaveRadius: 20, maxSize: 50 };

export interface VoiceMember {
  id: string;
  x: number;
  y: number;
  z: number;
}

/** A scene voice zone (from the running scene's static world). */
export type VoiceZoneArea = VoiceZone;

/** Which voice room a member is in: an island (by id) or a zone (by entity). */
export type VoiceRoomKey = `island-${string}` | `zone-${string}`;

export interface VoiceAssignment {
  room: VoiceRoomKey;
  kind: 'island' | 'zone' | 'stage';
}

/** Whether `member` stands inside `zone`. */
export function insideZone(zone: VoiceZoneArea, member: VoiceMember): boolean {
  const dx = member.x - zone.x;
  const dz = member.z - zone.z;
  const cos = Math.cos(zone.yaw);
  const sin = Math.sin(zone.yaw);
  // Into the zone's own frame (rotation by -yaw about y).
  const lx = dx * cos - dz * sin;
  const lz = dx * sin + dz * cos;
  return Math.abs(lx) <= zone.hx && Math.abs(lz) <= zone.hz && Math.abs(member.y - zone.y) <= zone.hy;
}

/**
 * Assigns every member a voice room. `previous` is the last result (for hysteresis and stable ids);
 * `newId` names islands that continue none of the previous ones.
 */
export function assignVoiceRooms(
  members: readonly VoiceMember[],
  zones: readonly VoiceZoneArea[],
  previous: ReadonlyMap<string, VoiceAssignment>,
  params: VoiceParams,
  newId: () => string,
): Map<string, VoiceAssignment> {
  if (!(params.joinRadius > 0 && params.leaveRadius >= params.joinRadius && params.maxSize >= 2))
    throw new Error(
      `voice: need 0 < joinRadius ≤ leaveRadius and maxSize ≥ 2 (got ${JSON.stringify(params)})`,
    );
  const result = new Map<string, VoiceAssignment>();
  // Smaller zones first, so a booth inside a hall wins over the hall.
  const byVolume = [...zones].sort((a, b) => a.hx * a.hy * a.hz - b.hx * b.hy * b.hz);
  const roaming: VoiceMember[] = [];
  for (const member of members) {
    const zone = byVolume.find((z) => insideZone(z, member));
    if (zone)
      result.set(member.id, { room: `zone-${zone.entity}`, kind: zone.mode === 'stage' ? 'stage' : 'zone' });
    else roaming.push(member);
  }

  const groups = connectedGroups(roaming, previous, params).flatMap((group) =>
    splitToFit(group, params.maxSize),
  );
  // Largest groups choose their id first: each takes the previous island id most of its members had.
  groups.sort((a, b) => b.length - a.length || a[0]!.id.localeCompare(b[0]!.id));
  const taken = new Set<string>();
  for (const group of groups) {
    const counts = new Map<string, number>();
    for (const member of group) {
      const before = previous.get(member.id);
      if (before?.kind === 'island' && !taken.has(before.room))
        counts.set(before.room, (counts.get(before.room) ?? 0) + 1);
    }
    let room: VoiceRoomKey | undefined;
    let best = 0;
    for (const [key, count] of counts) {
      if (count > best || (count === best && room !== undefined && key < room)) {
        room = key as VoiceRoomKey;
        best = count;
      }
    }
    room ??= `island-${newId()}`;
    taken.add(room);
    for (const member of group) result.set(member.id, { room, kind: 'island' });
  }
  return result;
}

/** Connected groups of members under the join/leave link rule, found with a uniform grid and union-find. */
function connectedGroups(
  members: readonly VoiceMember[],
  previous: ReadonlyMap<string, VoiceAssignment>,
  { joinRadius, leaveRadius }: VoiceParams,
): VoiceMember[][] {
  const parent = members.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  const cell = leaveRadius;
  const grid = new Map<string, number[]>();
  members.forEach((m, i) => {
    const key = `${Math.floor(m.x / cell)},${Math.floor(m.z / cell)}`;
    const bucket = grid.get(key);
    if (bucket) bucket.push(i);
    else grid.set(key, [i]);
  });
  members.forEach((m, i) => {
    const cx = Math.floor(m.x / cell);
    const cz = Math.floor(m.z / cell);
    const before = previous.get(m.id);
    for (let ox = -1; ox <= 1; ox++) {
      for (let oz = -1; oz <= 1; oz++) {
        for (const j of grid.get(`${cx + ox},${cz + oz}`) ?? []) {
          if (j <= i) continue;
          const other = members[j]!;
          const d = Math.hypot(other.x - m.x, other.z - m.z);
          const together = before?.kind === 'island' && previous.get(other.id)?.room === before.room;
          if (d <= joinRadius || (together && d <= leaveRadius)) parent[find(i)] = find(j);
        }
      }
    }
  });
  const groups = new Map<number, VoiceMember[]>();
  members.forEach((m, i) => {
    const root = find(i);
    const group = groups.get(root);
    if (group) group.push(m);
    else groups.set(root, [m]);
  });
  return [...groups.values()];
}

/** Splits a group at the median of its longer horizontal extent until every part has at most `max`. */
function splitToFit(group: VoiceMember[], max: number): VoiceMember[][] {
  if (group.length <= max) return [group];
  const xs = group.map((m) => m.x);
  const zs = group.map((m) => m.z);
  const alongX = Math.max(...xs) - Math.min(...xs) >= Math.max(...zs) - Math.min(...zs);
  const sorted = [...group].sort((a, b) => (alongX ? a.x - b.x : a.z - b.z) || a.id.localeCompare(b.id));
  const half = Math.ceil(sorted.length / 2);
  return [...splitToFit(sorted.slice(0, half), max), ...splitToFit(sorted.slice(half), max)];
}
