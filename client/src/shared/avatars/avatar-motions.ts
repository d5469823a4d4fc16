/**
 * The avatar's motions, written as poses over time: locomotion (idle, walk, run, jump) and the protocol's
 * emotes. One definition feeds both renderers: AnimationClips for the near, skinned avatars and the baked
 * bone texture for the instanced crowd, so both move alike.
 *
 * Angles are radians about the bone's own axes in the bind pose (x: pitch, + swings a hanging limb back;
 * y: yaw; z: roll, + swings a hanging limb toward +x). Time is seconds from the motion's start.
 */
import { AnimationClip, Euler, Quaternion, QuaternionKeyframeTrack, VectorKeyframeTrack } from 'three';
import { EMOTES, type Emote } from '../../../../protocol/index.js';
import { BONES, restPosition, type BoneName } from './avatar-rig.js';

/** Motion names; a motion's index here is what the crowd's per-instance attribute carries. */
export const MOTIONS = ['idle', 'walk', 'run', 'jump', 'sit', ...EMOTES] as const;
export type MotionName = (typeof MOTIONS)[number];
export const motionIndex = (name: MotionName): number => MOTIONS.indexOf(name);

/** Samples per second in clips and in the baked texture. */
export const MOTION_FPS = 30;

/** Writes one bone's rotation (radians) or the hips' lift (metres). */
export interface PoseWriter {
  rotate(bone: BoneName, x: number, y?: number, z?: number): void;
  lift(metres: number): void;
}

interface Motion {
  seconds: number;
  loop: boolean;
  pose(t: number, out: PoseWriter): void;
}

const TAU = Math.PI * 2;

/** Legs and arms swinging in opposition; `swing` radians at the hip, `stride` seconds per cycle. */
function gait(phase: number, swing: number, out: PoseWriter, lean: number): void {
  const s = Math.sin(phase);
  out.rotate('upperLegL', -swing * s);
  out.rotate('upperLegR', swing * s);
  out.rotate('lowerLegL', swing * 1.1 * Math.max(0, Math.sin(phase - 1.2)));
  out.rotate('lowerLegR', swing * 1.1 * Math.max(0, Math.sin(phase + Math.PI - 1.2)));
  out.rotate('upperArmL', swing * 0.8 * s, 0, 0.08);
  out.rotate('upperArmR', -swing * 0.8 * s, 0, -0.08);
  out.rotate('lowerArmL', -0.35 - swing * 0.3);
  out.rotate('lowerArmR', -0.35 - swing * 0.3);
  out.rotate('spine', lean, 0.12 * s);
  out.lift(0.04 * Math.abs(Math.cos(phase)) * (swing / 0.6));
}

/** 0 → 1 → 0 over an emote, so it eases in and out of the standing pose. */
const envelope = (t: number, seconds: number): number => Math.sin((Math.PI * Math.min(t, seconds)) / seconds);

const LOCOMOTION: Record<'idle' | 'walk' | 'run' | 'jump' | 'sit', Motion> = {
  idle: {
    seconds: 2.4,
    loop: true,
    pose(t, out) {
      const p = (TAU * t) / 2.4;
      out.rotate('chest', 0.03 * Math.sin(p));
      out.rotate('head', 0.04 * Math.sin(p + 1), 0.12 * Math.sin(p / 2) ** 3);
      out.rotate('upperArmL', 0.02 * Math.sin(p), 0, 0.1);
      out.rotate('upperArmR', 0.02 * Math.sin(p), 0, -0.1);
      out.rotate('lowerArmL', -0.15);
      out.rotate('lowerArmR', -0.15);
      out.lift(-0.01 * (1 - Math.cos(p)));
    },
  },
  walk: { seconds: 0.8, loop: true, pose: (t, out) => gait((TAU * t) / 0.8, 0.6, out, 0.05) },
  run: { seconds: 0.5, loop: true, pose: (t, out) => gait((TAU * t) / 0.5, 0.95, out, 0.28) },
  jump: {
    seconds: 0.9,
    loop: false,
    pose(t, out) {
      const tuck = Math.sin((Math.PI * Math.min(t, 0.9)) / 0.9);
      out.rotate('upperLegL', -0.9 * tuck);
      out.rotate('upperLegR', -0.7 * tuck);
      out.rotate('lowerLegL', 1.3 * tuck);
      out.rotate('lowerLegR', 1.1 * tuck);
      out.rotate('upperArmL', 0, 0, 2.4 * tuck);
      out.rotate('upperArmR', 0, 0, -2.4 * tuck);
      out.rotate('spine', 0.15 * tuck);
    },
  },
  // On a seat: the room puts the feet where the seat is (its top), so the hips come down onto it, the
  // thighs forward, the shins hanging, the hands on the knees; breathing keeps it from looking frozen.
  sit: {
    seconds: 3,
    loop: true,
    pose(t, out) {
      const breath = Math.sin((TAU * t) / 3);
      out.lift(-0.84);
      out.rotate('upperLegL', -1.5, 0, 0.06);
      out.rotate('upperLegR', -1.5, 0, -0.06);
      out.rotate('lowerLegL', 1.45);
      out.rotate('lowerLegR', 1.45);
      out.rotate('spine', -0.05 + 0.015 * breath);
      out.rotate('chest', 0.02 * breath);
      out.rotate('head', 0.05, 0.1 * Math.sin((TAU * t) / 6));
      out.rotate('upperArmL', -0.55, 0, 0.12);
      out.rotate('upperArmR', -0.55, 0, -0.12);
      out.rotate('lowerArmL', -0.75);
      out.rotate('lowerArmR', -0.75);
    },
  },
};

const EMOTE_MOTIONS: Record<Emote, Motion> = {
  wave: {
    seconds: 2,
    loop: false,
    pose(t, out) {
      const e = envelope(t, 2);
      out.rotate('upperArmR', 0, 0, -2.7 * e);
      out.rotate('lowerArmR', 0, 0, e * (-0.2 + 0.45 * Math.sin(TAU * 2.5 * t)));
      out.rotate('head', 0, -0.25 * e, 0.1 * e);
    },
  },
  dance: {
    seconds: 3,
    loop: false,
    pose(t, out) {
      const e = envelope(t, 3);
      const beat = Math.sin(TAU * 2 * t);
      out.rotate('hips', 0, 0.4 * beat * e);
      out.rotate('chest', 0, -0.3 * beat * e, 0.15 * beat * e);
      out.rotate('upperArmL', 0, 0, e * (2.2 + 0.5 * beat));
      out.rotate('upperArmR', 0, 0, -e * (2.2 - 0.5 * beat));
      out.rotate('lowerArmL', 0, 0, 0.6 * e * beat);
      out.rotate('lowerArmR', 0, 0, 0.6 * e * beat);
      out.rotate('upperLegL', -0.3 * e * Math.max(0, beat));
      out.rotate('lowerLegL', 0.6 * e * Math.max(0, beat));
      out.rotate('upperLegR', -0.3 * e * Math.max(0, -beat));
      out.rotate('lowerLegR', 0.6 * e * Math.max(0, -beat));
      out.lift(0.05 * e * Math.abs(beat));
    },
  },
  clap: {
    seconds: 1.6,
    loop: false,
    pose(t, out) {
      const e = envelope(t, 1.6);
      const beat = 0.5 + 0.5 * Math.sin(TAU * 3 * t);
      out.rotate('upperArmL', -1.3 * e, 0, -0.35 * e * (1 - beat));
      out.rotate('upperArmR', -1.3 * e, 0, 0.35 * e * (1 - beat));
      out.rotate('lowerArmL', -0.5 * e, 0, -0.4 * e);
      out.rotate('lowerArmR', -0.5 * e, 0, 0.4 * e);
    },
  },
  laugh: {
    seconds: 1.8,
    loop: false,
    pose(t, out) {
      const e = envelope(t, 1.8);
      const shake = Math.sin(TAU * 6 * t);
      out.rotate('chest', e * (-0.25 + 0.06 * shake));
      out.rotate('head', e * (-0.35 + 0.08 * shake));
      out.rotate('upperArmL', -0.5 * e, 0, 0.2 * e);
      out.rotate('upperArmR', -0.5 * e, 0, -0.2 * e);
      out.rotate('lowerArmL', -1.2 * e);
      out.rotate('lowerArmR', -1.2 * e);
    },
  },
  shrug: {
    seconds: 1.4,
    loop: false,
    pose(t, out) {
      const e = envelope(t, 1.4);
      out.rotate('upperArmL', 0, 0, 0.45 * e);
      out.rotate('upperArmR', 0, 0, -0.45 * e);
      out.rotate('lowerArmL', -1.3 * e, 0, -0.3 * e);
      out.rotate('lowerArmR', -1.3 * e, 0, 0.3 * e);
      out.rotate('head', 0, 0, 0.25 * e);
      out.lift(0.02 * e);
    },
  },
  point: {
    seconds: 1.8,
    loop: false,
    pose(t, out) {
      const e = envelope(t, 1.8);
      out.rotate('upperArmR', -1.55 * e, 0, 0.1 * e);
      out.rotate('head', 0.1 * e, 0.1 * e);
      out.rotate('chest', 0, 0.15 * e);
    },
  },
};

const ALL: Record<MotionName, Motion> = { ...LOCOMOTION, ...EMOTE_MOTIONS };

// A loop must be a whole number of samples long, or the baked crowd would jump where it wraps.
for (const [name, motion] of Object.entries(ALL)) {
  const samples = motion.seconds * MOTION_FPS;
  if (motion.loop && Math.abs(samples - Math.round(samples)) > 1e-9)
    throw new Error(`avatar motion "${name}": a loop must last a multiple of 1/${MOTION_FPS} s`);
}

export const motionSeconds = (name: MotionName): number => ALL[name].seconds;
export const motionLoops = (name: MotionName): boolean => ALL[name].loop;
/** Frames a motion is sampled into (a looping motion's last frame is not its first again). */
export const motionFrames = (name: MotionName): number =>
  Math.max(1, Math.round(ALL[name].seconds * MOTION_FPS) + (ALL[name].loop ? 0 : 1));

/**
 * Every bone's rotation and the hips' lift for `name` at `t` seconds: rotations as quaternions (x, y, z, w)
 * in BONES order, then the lift. Bones a motion does not name stay at rest.
 */
export function samplePose(name: MotionName, t: number, out: Float32Array): Float32Array {
  out.fill(0);
  for (let b = 0; b < BONES.length; b++) out[b * 4 + 3] = 1;
  out[BONES.length * 4] = 0;
  ALL[name].pose(t, {
    rotate(bone, x, y = 0, z = 0) {
      const q = scratchQuaternion.setFromEuler(scratchEuler.set(x, y, z));
      const at = BONES.indexOf(bone) * 4;
      out[at] = q.x;
      out[at + 1] = q.y;
      out[at + 2] = q.z;
      out[at + 3] = q.w;
    },
    lift(metres) {
      out[BONES.length * 4] = metres;
    },
  });
  return out;
}
const scratchEuler = new Euler();
const scratchQuaternion = new Quaternion();
/** Floats one sampled pose takes: a quaternion per bone and the hips' lift. */
export const POSE_FLOATS = BONES.length * 4 + 1;

/** The motion as a three.js clip (for AnimationMixer on skinned avatars). */
export function motionClip(name: MotionName): AnimationClip {
  // A looping clip gets one more key, at its full length (the first pose again), so it wraps smoothly.
  const frames = motionFrames(name) + (ALL[name].loop ? 1 : 0);
  const times = new Float32Array(frames);
  const rotations = BONES.map(() => new Float32Array(frames * 4));
  const lifts = new Float32Array(frames);
  const hipsRest = restPosition('hips');
  const pose = new Float32Array(POSE_FLOATS);
  for (let f = 0; f < frames; f++) {
    const t = f / MOTION_FPS;
    times[f] = t;
    samplePose(name, t, pose);
    BONES.forEach((_, b) => rotations[b]!.set(pose.subarray(b * 4, b * 4 + 4), f * 4));
    lifts[f] = pose[BONES.length * 4]!;
  }
  const hipsY = new Float32Array(frames * 3);
  for (let f = 0; f < frames; f++) hipsY.set([hipsRest[0], hipsRest[1] + lifts[f]!, hipsRest[2]], f * 3);
  const tracks = [
    ...BONES.map((bone, b) => new QuaternionKeyframeTrack(`${bone}.quaternion`, times, rotations[b]!)),
    new VectorKeyframeTrack('hips.position', times, hipsY),
  ];
  return new AnimationClip(name, -1, tracks);
}
