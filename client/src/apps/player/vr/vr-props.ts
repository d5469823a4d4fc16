/**
 * What the VR rig draws besides the world: each controller's body and pointing ray, the teleport marker,
 * a hand's joints, the chat panel on the left hand, and the comfort vignette (the edges of the view darken
 * for a moment on each snap turn and teleport, so the jump is not felt as motion).
 */
import {
  BoxGeometry,
  CanvasTexture,
  CircleGeometry,
  type Group,
  Line,
  LineBasicMaterial,
  BufferGeometry,
  Float32BufferAttribute,
  Mesh,
  MeshBasicMaterial,
  MeshStandardMaterial,
  PlaneGeometry,
  RingGeometry,
  SphereGeometry,
  SRGBColorSpace,
  type Object3D,
} from 'three';
import type { ChatEntry } from '../../../shared/world/world-store.js';

export const OPEN_COLOR = 0x4be3a0;
export const REFUSED_COLOR = 0xff5a5a;

/** A controller's body (grip space): a small dark handle, pointing along −z like the controller. */
export function controllerBody(): Mesh {
  const body = new Mesh(
    new BoxGeometry(0.035, 0.035, 0.13),
    new MeshStandardMaterial({ color: 0x2b2f36, roughness: 0.6 }),
  );
  body.position.z = 0.02;
  return body;
}

/** A pointing ray (target-ray space), one metre long along −z; scaled to the aimed distance. */
export function pointingRay(): Line<BufferGeometry, LineBasicMaterial> {
  const geometry = new BufferGeometry();
  geometry.setAttribute('position', new Float32BufferAttribute([0, 0, 0, 0, 0, -1], 3));
  const ray = new Line(
    geometry,
    new LineBasicMaterial({ color: OPEN_COLOR, transparent: true, opacity: 0.8 }),
  );
  ray.visible = false;
  return ray;
}

/** Where a teleport would land: a ring on the floor, green when allowed, red when not. */
export function teleportMarker(): Mesh<RingGeometry, MeshBasicMaterial> {
  const marker = new Mesh(
    new RingGeometry(0.25, 0.36, 32),
    new MeshBasicMaterial({ color: OPEN_COLOR, transparent: true, opacity: 0.9, depthWrite: false }),
  );
  marker.rotation.x = -Math.PI / 2;
  marker.visible = false;
  return marker;
}

const jointGeometry = new SphereGeometry(0.008, 8, 6);
const jointMaterial = new MeshStandardMaterial({ color: 0xe8c4a8, roughness: 0.7 });

/** Gives each tracked joint of a hand a small sphere (three adds joints as the runtime reports them). */
export function dressHandJoints(hand: Group & { joints?: Record<string, Object3D> }): void {
  for (const joint of Object.values(hand.joints ?? {}))
    if (joint.children.length === 0) joint.add(new Mesh(jointGeometry, jointMaterial));
}

const CHAT_LINES = 6;

/** The latest chat lines on a small panel, redrawn when the chat changes. */
export class ChatBoard {
  readonly mesh: Mesh<PlaneGeometry, MeshBasicMaterial>;
  private readonly canvas = document.createElement('canvas');
  private readonly texture: CanvasTexture;
  private shownKey = '';

  constructor() {
    this.canvas.width = 512;
    this.canvas.height = 256;
    this.texture = new CanvasTexture(this.canvas);
    this.texture.colorSpace = SRGBColorSpace;
    this.mesh = new Mesh(
      new PlaneGeometry(0.24, 0.12),
      new MeshBasicMaterial({ map: this.texture, transparent: true }),
    );
    this.mesh.name = 'vr-chat';
  }

  /**
   * Redraws when the chat (`version`) or the notice changed since the last draw: the latest chat lines, then
   * the notice (a refusal, a problem: the HUD that shows it is not in the headset). Returns the lines drawn
   * then ("name: text", the notice last), else null.
   */
  show(
    lines: readonly ChatEntry[],
    version: number,
    blocked: ReadonlySet<string>,
    notice: string | null,
  ): string[] | null {
    const key = `${version}\n${notice ?? ''}`;
    if (key === this.shownKey) return null;
    this.shownKey = key;
    const recent = lines
      .filter((line) => !blocked.has(line.from))
      .slice(notice ? 1 - CHAT_LINES : -CHAT_LINES);
    const texts = recent.map((line) => `${line.channel === 'system' ? '' : `${line.name}: `}${line.text}`);
    const drawn = notice ? [...texts, notice] : texts;
    const context = this.canvas.getContext('2d');
    if (!context) return drawn;
    context.clearRect(0, 0, 512, 256);
    context.fillStyle = 'rgba(16, 20, 28, 0.82)';
    context.fillRect(0, 0, 512, 256);
    context.font = '22px system-ui, sans-serif';
    context.textBaseline = 'top';
    if (drawn.length === 0) {
      context.fillStyle = '#9aa4b2';
      context.fillText('No chat yet', 16, 16);
    }
    drawn.forEach((text, index) => {
      const note = index >= recent.length || recent[index]!.channel === 'system';
      context.fillStyle = note ? '#ffd27a' : '#ffffff';
      context.fillText(text.length > 44 ? `${text.slice(0, 43)}…` : text, 16, 16 + index * 38);
    });
    this.texture.needsUpdate = true;
    return drawn;
  }

  dispose(): void {
    this.texture.dispose();
    this.mesh.geometry.dispose();
    this.mesh.material.dispose();
  }
}

/** How long the vignette takes to clear after a turn or a teleport, in seconds. */
const VIGNETTE_SECONDS = 0.35;

/** A dark frame around the view, shown briefly on each turn and teleport (a child of the camera). */
export class ComfortVignette {
  readonly mesh: Mesh<CircleGeometry, MeshBasicMaterial>;
  private strength = 0;

  constructor() {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 128;
    const context = canvas.getContext('2d');
    if (context) {
      const gradient = context.createRadialGradient(64, 64, 20, 64, 64, 64);
      gradient.addColorStop(0, 'rgba(0,0,0,0)');
      gradient.addColorStop(1, 'rgba(0,0,0,1)');
      context.fillStyle = gradient;
      context.fillRect(0, 0, 128, 128);
    }
    this.mesh = new Mesh(
      new CircleGeometry(0.5, 32),
      new MeshBasicMaterial({
        map: new CanvasTexture(canvas),
        transparent: true,
        opacity: 0,
        depthTest: false,
        depthWrite: false,
        fog: false,
      }),
    );
    this.mesh.position.z = -0.15;
    this.mesh.renderOrder = 1000;
    this.mesh.visible = false;
    this.mesh.name = 'vr-vignette';
  }

  /** Darkens the edges now; they clear over VIGNETTE_SECONDS. */
  flash(): void {
    this.strength = 1;
  }

  update(dtSeconds: number): void {
    this.strength = Math.max(0, this.strength - dtSeconds / VIGNETTE_SECONDS);
    this.mesh.visible = this.strength > 0;
    this.mesh.material.opacity = this.strength;
  }

  dispose(): void {
    this.mesh.material.map?.dispose();
    this.mesh.material.dispose();
    this.mesh.geometry.dispose();
  }
}

/** A group named for the test hook and the scene graph's readers. */
export function named<T extends Object3D>(object: T, name: string): T {
  object.name = name;
  return object;
}
