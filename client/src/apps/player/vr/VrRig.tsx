/**
 * The player in VR (loaded on demand when a visitor enters VR). The headset is the camera, standing at the
 * local avatar's feet in a rig that snap turns turn; the world stays server-authoritative:
 * - a trigger (or a pinch) aims a teleport along the controller's ray — a green ring where protocol's
 *   decideTeleport allows landing, red where it does not — and releasing it asks the room to teleport;
 * - a thumbstick pushed sideways snap turns 30°; each turn and teleport flashes the comfort vignette;
 * - a grip (squeeze) held is push-to-talk, where the visitor may talk;
 * - the latest chat lines are on a panel held in the left hand;
 * - controllers are drawn as small handles with a pointing ray, tracked hands as their joints.
 * Ending the session (the headset's menu, or the page) puts the camera back behind the avatar.
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useMemo } from 'react';
import {
  Group,
  Vector3,
  type BufferGeometry,
  type Line,
  type LineBasicMaterial,
  type Object3D,
  type XRTargetRaySpace,
} from 'three';
import { decideTeleport } from '../../../../../protocol/index.js';
import type { VrRigProps } from './EnterVrButton.js';
import { aimAtFloor, yawAlong } from './teleport-aim.js';
import { SnapTurn } from './snap-turn.js';
import {
  ChatBoard,
  ComfortVignette,
  OPEN_COLOR,
  REFUSED_COLOR,
  controllerBody,
  dressHandJoints,
  named,
  pointingRay,
  teleportMarker,
} from './vr-props.js';

interface Hand {
  index: number;
  ray: XRTargetRaySpace;
  line: Line<BufferGeometry, LineBasicMaterial>;
  source: XRInputSource | null;
  aiming: boolean;
  turn: SnapTurn;
}

const origin = new Vector3();
const direction = new Vector3();
const aimed = { x: 0, z: 0 };

export function VrRig({ session, store, connection, onEnd }: VrRigProps) {
  const gl = useThree((state) => state.gl);
  const camera = useThree((state) => state.camera);
  const scene = useThree((state) => state.scene);
  const setFrameloop = useThree((state) => state.setFrameloop);
  const get = useThree((state) => state.get);
  const rig = useMemo(() => named(new Group(), 'vr-rig'), []);
  const marker = useMemo(() => teleportMarker(), []);
  const board = useMemo(() => new ChatBoard(), []);
  const vignette = useMemo(() => new ComfortVignette(), []);
  const hands = useMemo<Hand[]>(
    () =>
      [0, 1].map((index) => ({
        index,
        ray: gl.xr.getController(index),
        line: pointingRay(),
        source: null,
        aiming: false,
        turn: new SnapTurn(),
      })),
    [gl],
  );

  useEffect(() => {
    const previousLoop = get().frameloop;
    const cameraParent = camera.parent;
    const local = store.local;
    // The local-floor space looks along −z; the avatar faces +z at yaw 0.
    store.vr = {
      yaw: (local?.predicted.yaw ?? 0) + Math.PI,
      aim: 'none',
      inputs: [],
      teleports: 0,
      chat: [],
    };
    scene.add(rig, marker);
    rig.add(camera);
    camera.add(vignette.mesh);
    const removers: Array<() => void> = [];
    /** three's controller events (connected, selectstart, …): its dispatcher, not the DOM's. */
    type ControllerEvents = {
      addEventListener(type: string, handler: (event: { data?: XRInputSource }) => void): void;
      removeEventListener(type: string, handler: (event: { data?: XRInputSource }) => void): void;
    };
    const listen = (target: Object3D, type: string, handler: (event: { data?: XRInputSource }) => void) => {
      const events = target as unknown as ControllerEvents;
      events.addEventListener(type, handler);
      removers.push(() => events.removeEventListener(type, handler));
    };
    const describeInputs = () => {
      if (store.vr)
        store.vr.inputs = hands
          .filter((hand) => hand.source)
          .map((hand) => `${hand.source!.handedness} ${hand.source!.hand ? 'hand' : 'controller'}`);
    };
    for (const hand of hands) {
      const grip = gl.xr.getControllerGrip(hand.index);
      const joints = gl.xr.getHand(hand.index);
      rig.add(hand.ray, grip, joints);
      hand.ray.add(hand.line);
      const body = controllerBody();
      grip.add(body);
      listen(hand.ray, 'connected', ({ data }) => {
        hand.source = data ?? null;
        body.visible = !data?.hand;
        if (data?.handedness === 'left') grip.add(board.mesh);
        describeInputs();
      });
      listen(hand.ray, 'disconnected', () => {
        hand.source = null;
        hand.aiming = false;
        describeInputs();
      });
      listen(hand.ray, 'selectstart', () => (hand.aiming = true));
      listen(hand.ray, 'selectend', () => {
        if (!hand.aiming) return;
        hand.aiming = false;
        teleport(hand);
      });
      listen(hand.ray, 'squeezestart', () => {
        if (store.voice?.enabled && store.voice.room.canPublish) void connection.current?.setMicrophone(true);
      });
      listen(hand.ray, 'squeezeend', () => {
        if (store.microphone) void connection.current?.setMicrophone(false);
      });
      removers.push(() => {
        hand.ray.remove(hand.line);
        grip.remove(body);
        rig.remove(hand.ray, grip, joints);
      });
    }
    // The board sits over the left wrist, tilted toward the eyes.
    board.mesh.position.set(0, 0.07, 0.05);
    board.mesh.rotation.x = -Math.PI / 4;

    const teleport = (hand: Hand) => {
      const local = store.local;
      if (!local || !aimFrom(hand)) return;
      const head = camera.getWorldDirection(direction);
      const target = { x: aimed.x, z: aimed.z, yaw: yawAlong(head) };
      const outcome = decideTeleport(store.staticWorld, local.predicted, target);
      if (outcome.kind === 'refused') {
        store.notice = { text: `Cannot teleport there: ${outcome.reason}`, until: performance.now() + 3_000 };
        return;
      }
      connection.current?.teleport(target);
      vignette.flash();
      if (store.vr) store.vr.teleports += 1;
    };

    gl.xr.enabled = true;
    gl.xr.setReferenceSpaceType('local-floor');
    setFrameloop('always');
    const ended = () => onEnd();
    session.addEventListener('end', ended);
    gl.xr.setSession(session).catch((error: unknown) => {
      store.notice = {
        text: `VR could not start: ${error instanceof Error ? error.message : String(error)}`,
        until: performance.now() + 6_000,
      };
      void session.end().catch(() => undefined);
    });
    return () => {
      session.removeEventListener('end', ended);
      for (const remove of removers) remove();
      camera.remove(vignette.mesh);
      rig.remove(camera);
      cameraParent?.add(camera);
      scene.remove(rig, marker);
      store.vr = null;
      setFrameloop(previousLoop);
      board.dispose();
      vignette.dispose();
      if (gl.xr.getSession() === session) void session.end().catch(() => undefined);
    };
  }, [
    session,
    store,
    connection,
    gl,
    camera,
    scene,
    rig,
    marker,
    board,
    vignette,
    hands,
    onEnd,
    get,
    setFrameloop,
  ]);

  /** Aims along `hand`'s ray; writes the spot into `aimed`. */
  function aimFrom(hand: Hand): boolean {
    const local = store.local;
    if (!local) return false;
    hand.ray.getWorldPosition(origin);
    direction.set(0, 0, -1).transformDirection(hand.ray.matrixWorld);
    return aimAtFloor(origin, direction, local.predicted, local.predicted.y, aimed);
  }

  useFrame((_, dtSeconds) => {
    const vr = store.vr;
    const local = store.local;
    if (!vr || !local) return;
    for (const hand of hands) {
      const stick = hand.source?.gamepad?.axes;
      const turn = stick && stick.length >= 4 ? hand.turn.update(stick[2]!) : 0;
      if (turn !== 0) {
        vr.yaw += turn;
        vignette.flash();
      }
      if (hand.source?.hand) dressHandJoints(gl.xr.getHand(hand.index));
    }
    rig.position.set(local.predicted.x, local.predicted.y, local.predicted.z);
    rig.rotation.set(0, vr.yaw, 0);
    rig.updateMatrixWorld();
    const aiming = hands.find((hand) => hand.aiming);
    vr.aim = 'none';
    for (const hand of hands) hand.line.visible = hand === aiming;
    marker.visible = false;
    if (aiming && aimFrom(aiming)) {
      const outcome = decideTeleport(store.staticWorld, local.predicted, { x: aimed.x, z: aimed.z, yaw: 0 });
      const open = outcome.kind === 'teleport';
      const color = open ? OPEN_COLOR : REFUSED_COLOR;
      vr.aim = open ? 'open' : 'refused';
      marker.visible = true;
      marker.position.set(aimed.x, (open ? outcome.to.y : local.predicted.y) + 0.02, aimed.z);
      marker.material.color.setHex(color);
      aiming.line.material.color.setHex(color);
      aiming.line.scale.z = origin.distanceTo(marker.position);
    }
    vignette.update(dtSeconds);
    const now = performance.now();
    const notice = store.notice && store.notice.until > now ? store.notice.text : null;
    const shown = board.show(store.chat, store.chatVersion, store.blocked, notice);
    if (shown) vr.chat = shown;
  });
  return null;
}
