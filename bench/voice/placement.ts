/**
 * Where the voice benchmark's bots stand: 4 groups at the corners of a 40 m square (each within 4 m) and
 * walkers that cross from group to group (bench/voice/scenario.ts moves them).
 */
import type { VoiceBot, VoiceBots, VoiceLink } from '../shared/voice-bots.js';

/** Group centres: the corners of a 40 m square (neighbours 40 m apart, beyond the 20 m leave radius). */
export const CENTRES = [
  { x: -20, z: -20 },
  { x: 20, z: -20 },
  { x: 20, z: 20 },
  { x: -20, z: 20 },
];
/** Members stand on a circle of this radius around their centre (so within 4 m of each other). */
const GROUP_RADIUS = 1.8;
/** Walkers stop this far from the centre they walk to. */
const WALKER_RADIUS = 3;
/** The director's join radius: a walker this close to a member of a group "enters" it. */
export const JOIN_RADIUS = 16;

export interface Member {
  bot: VoiceBot<VoiceLink>;
  /** Index of the group it stands in; for a walker, the one it walks to (or stands in). */
  group: number;
  walker: boolean;
  /** Whether it subscribes to the others (every walker; the last listenersPerGroup members of a group). */
  listens: boolean;
  target: { x: number; z: number };
  seq: number;
  /** Since when a walker has been within 8 m of its group's centre (ms); undefined while crossing. */
  settledSince?: number;
  /** When the walker came within JOIN_RADIUS of its new group (ms), waiting to hear it. */
  enteredAt?: number;
  /** Whether this crossing's reassignment was measured (true before the first crossing). */
  measured: boolean;
  /** Where around a centre a walker stops (radians). */
  angle: number;
}

export function positionOf(member: Member): { x: number; z: number } | undefined {
  return member.bot.visitor.self();
}

/** The group a bot stands in now, or undefined while a walker crosses. */
export function standingIn(member: Member, now: number): number | undefined {
  if (!member.walker) return member.group;
  return member.settledSince !== undefined && now - member.settledSince >= 3_000 ? member.group : undefined;
}

/** Where a walker stops around `group`'s centre. */
export function walkerSpot(group: number, angle: number): { x: number; z: number } {
  const centre = CENTRES[group]!;
  return { x: centre.x + WALKER_RADIUS * Math.cos(angle), z: centre.z + WALKER_RADIUS * Math.sin(angle) };
}

/**
 * Joins `participants` bots to `world` (not yet to voice): about one in 9 a walker, the rest in 4 groups,
 * of which the last `listenersPerGroup` members of each group listen (and are measured), as every walker.
 */
export async function placeBots(
  bots: VoiceBots<VoiceLink>,
  options: { world: string; participants: number; listenersPerGroup: number },
): Promise<{ members: Member[]; perGroup: number; walkerCount: number }> {
  const { participants } = options;
  const walkers = Math.max(1, Math.round(participants / 9));
  const perGroup = Math.floor((participants - walkers) / CENTRES.length);
  const listenersPerGroup = Math.min(perGroup - 1, options.listenersPerGroup);
  const walkerCount = participants - perGroup * CENTRES.length;
  const members: Member[] = [];
  for (let g = 0; g < CENTRES.length; g++)
    for (let i = 0; i < perGroup; i++) {
      const angle = (2 * Math.PI * i) / perGroup;
      members.push({
        bot: await bots.bot(`g${g}-${i}`, {
          world: options.world,
          follow: true,
          connect: false,
          listen: i >= perGroup - listenersPerGroup,
          measured: i >= perGroup - listenersPerGroup,
        }),
        group: g,
        walker: false,
        listens: i >= perGroup - listenersPerGroup,
        target: {
          x: CENTRES[g]!.x + GROUP_RADIUS * Math.cos(angle),
          z: CENTRES[g]!.z + GROUP_RADIUS * Math.sin(angle),
        },
        seq: 0,
        measured: true,
        angle,
      });
    }
  for (let w = 0; w < walkerCount; w++) {
    const g = w % CENTRES.length;
    const angle = Math.PI / 4 + (2 * Math.PI * w) / walkerCount;
    members.push({
      bot: await bots.bot(`walker-${w}`, {
        world: options.world,
        follow: true,
        connect: false,
        measured: true,
      }),
      group: g,
      walker: true,
      listens: true,
      target: walkerSpot(g, angle),
      seq: 0,
      measured: true,
      angle,
    });
  }
  return { members, perGroup, walkerCount };
}
