/** Voice rooms as pure functions: islands by distance with hysteresis, splitting, stable ids, and zones. */
import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_VOICE_PARAMS,
  assignVoiceRooms,
  type VoiceAssignment,
  type VoiceMember,
  type VoiceZoneArea,
} from '../../server/voice/islands.js';

const at = (id: string, x: number, z = 0): VoiceMember => ({ id, x, y: 0, z });
function counter(): () => string {
  let n = 0;
  return () => String(++n);
}
const roomOf = (result: Map<string, VoiceAssignment>, id: string): string => result.get(id)!.room;

describe('voice islands', () => {
  it('puts visitors within the join radius together and far ones apart', () => {
    const result = assignVoiceRooms(
      [at('a', 0), at('b', 10), at('c', 50)],
      [],
      new Map(),
      DEFAULT_VOICE_PARAMS,
      counter(),
    );
    expect(roomOf(result, 'a')).toBe(roomOf(result, 'b'));
    expect(roomOf(result, 'c')).not.toBe(roomOf(result, 'a'));
    expect(result.get('a')!.kind).toBe('island');
  });

  it('joins through a chain of neighbours', () => {
    const result = assignVoiceRooms(
      [at('a', 0), at('b', 15), at('c', 30)],
      [],
      new Map(),
      DEFAULT_VOICE_PARAMS,
      counter(),
    );
    expect(new Set([...result.values()].map((r) => r.room)).size).toBe(1);
  });

  it('keeps two people together until beyond the leave radius, and rejoins only within the join radius', () => {
    const newId = counter();
    let previous = new Map<string, VoiceAssignment>();
    const history: string[] = [];
    for (const distance of [15, 18, 19.9, 21, 18, 16.5, 15.5]) {
      previous = assignVoiceRooms([at('a', 0), at('b', distance)], [], previous, DEFAULT_VOICE_PARAMS, newId);
      history.push(`${distance}:${roomOf(previous, 'a') === roomOf(previous, 'b') ? 'together' : 'apart'}`);
    }
    expect(history).toEqual([
      '15:together',
      '18:together',
      '19.9:together',
      '21:apart',
      '18:apart',
      '16.5:apart',
      '15.5:together',
    ]);
  });

  it('splits a crowd bigger than the max size into islands that fit, assigning everyone', () => {
    const crowd = Array.from({ length: 120 }, (_, i) =>
      at(`m${i}`, (i % 12) * 1.5, Math.floor(i / 12) * 1.5),
    );
    const result = assignVoiceRooms(crowd, [], new Map(), DEFAULT_VOICE_PARAMS, counter());
    const sizes = new Map<string, number>();
    for (const { room } of result.values()) sizes.set(room, (sizes.get(room) ?? 0) + 1);
    expect(result.size).toBe(120);
    expect(Math.max(...sizes.values())).toBeLessThanOrEqual(50);
    expect([...sizes.values()].reduce((a, b) => a + b, 0)).toBe(120);
    expect(sizes.size).toBeLessThanOrEqual(4);
  });

  it('keeps an island’s id as people come and go', () => {
    const newId = counter();
    const first = assignVoiceRooms([at('a', 0), at('b', 5)], [], new Map(), DEFAULT_VOICE_PARAMS, newId);
    const room = roomOf(first, 'a');
    const joined = assignVoiceRooms(
      [at('a', 0), at('b', 5), at('c', 8)],
      [],
      first,
      DEFAULT_VOICE_PARAMS,
      newId,
    );
    expect(roomOf(joined, 'c')).toBe(room);
    const left = assignVoiceRooms(
      [at('b', 5), at('c', 8), at('a', 100)],
      [],
      joined,
      DEFAULT_VOICE_PARAMS,
      newId,
    );
    expect(roomOf(left, 'b')).toBe(room);
    expect(roomOf(left, 'a')).not.toBe(room);
  });

  it('gives zones their own rooms: inside hears inside, the smaller of nested zones wins, stages are marked', () => {
    const zone = (
      entity: string,
      mode: VoiceZoneArea['mode'],
      x: number,
      h: number,
      yaw = 0,
    ): VoiceZoneArea => ({
      entity,
      mode,
      x,
      y: 0,
      z: 0,
      hx: h,
      hy: 3,
      hz: h,
      yaw,
    });
    const zones = [
      zone('hall', 'global', 0, 20),
      zone('booth', 'private', 5, 2),
      zone('stage', 'stage', 100, 5),
    ];
    const members = [at('in-hall', -10), at('in-booth', 5.5), at('on-stage', 102), at('outside', 60)];
    const result = assignVoiceRooms(members, zones, new Map(), DEFAULT_VOICE_PARAMS, counter());
    expect(result.get('in-hall')).toEqual({ room: 'zone-hall', kind: 'zone' });
    expect(result.get('in-booth')).toEqual({ room: 'zone-booth', kind: 'zone' });
    expect(result.get('on-stage')).toEqual({ room: 'zone-stage', kind: 'stage' });
    expect(result.get('outside')!.kind).toBe('island');
    // A turned zone: 45° makes a 2 m box reach 2.8 m along its diagonal.
    const turned = [zone('diamond', 'private', 0, 2, Math.PI / 4)];
    expect(
      assignVoiceRooms([at('tip', 2.7)], turned, new Map(), DEFAULT_VOICE_PARAMS, counter()).get('tip')!.room,
    ).toBe('zone-diamond');
  });

  it('refuses parameters that make no sense', () => {
    expect(() =>
      assignVoiceRooms([], [], new Map(), { joinRadius: 20, leaveRadius: 10, maxSize: 50 }, counter()),
    ).toThrow(/joinRadius ≤ leaveRadius/);
  });
});
