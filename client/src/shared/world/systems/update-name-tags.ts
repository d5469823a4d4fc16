/**
 * Name tags as DOM labels over avatars' heads, positioned by projecting into screen space. Only the
 * nearest MAX_TAGS avatars within TAG_MAX_DISTANCE of the camera (and the visitor's own) get a visible tag,
 * so a crowd stays readable and the page does not lay out hundreds of labels per frame. An element is made
 * the first time its avatar is tagged and removed when the avatar leaves; per frame only transforms change.
 * A visitor wearing a token (an active wearable binding) shows its picture in the tag; speaking ones glow.
 */
import { Vector3, type Camera } from 'three';
import type { AvatarBody } from '../../../../../protocol/index.js';
import type { RemoteAvatar, WorldStore } from '../world-store.js';
import { NearestPicker } from './nearest.js';

/** Beyond this distance from the camera, in metres, tags are hidden (they would be unreadable clutter). */
const TAG_MAX_DISTANCE = 30;
/** Most remote avatars tagged at once (the nearest). */
export const MAX_TAGS = 32;
/** How much higher the tag floats over a model worn on the head (its slot is 0.32 m tall), in metres. */
const HEAD_WEAR_LIFT = 0.3;

/** The tag's lift for what an avatar wears: a model on the head pushes it up, so the tag does not hide it. */
const liftFor = (model: string, slot: string) => (model && slot === 'head' ? HEAD_WEAR_LIFT : 0);

interface Tag {
  element: HTMLDivElement;
  /** Frame it was last shown in; hidden when that is not the current frame. */
  shown: number;
  visible: boolean;
  /** Frame its avatar was last seen in; removed when it is gone. */
  seen: number;
}

const projected = new Vector3();
const tags = new Map<string, Tag>();
const picker = new NearestPicker<RemoteAvatar>(MAX_TAGS);
let frame = 0;

function tagFor(layer: HTMLElement, id: string, name: string, wearing: string): Tag {
  let tag = tags.get(id);
  if (!tag) {
    // eslint-disable-next-line no-restricted-syntax -- once per avatar, the first time it is tagged
    tag = { element: document.createElement('div'), shown: -1, visible: false, seen: frame };
    tag.element.className = 'name-tag';
    tag.element.textContent = name;
    tag.element.style.display = 'none';
    layer.appendChild(tag.element);
    tags.set(id, tag);
  }
  const element = tag.element;
  if ((element.dataset.wearing ?? '') !== wearing) {
    element.dataset.wearing = wearing;
    element.querySelector('img')?.remove();
    if (wearing) {
      const picture = document.createElement('img');
      picture.className = 'worn-token';
      picture.alt = 'worn token';
      picture.src = `/assets/files/${wearing}`;
      element.prepend(picture);
    }
  }
  return tag;
}

/** `over`: metres above the feet (the figure's tag height plus any lift). */
function show(tag: Tag, body: AvatarBody, camera: Camera, width: number, height: number, over: number): void {
  projected.set(body.x, over + body.y, body.z);
  projected.project(camera);
  if (projected.z >= 1) return; // behind the camera
  tag.shown = frame;
  if (!tag.visible) {
    tag.visible = true;
    tag.element.style.display = 'block';
  }
  const x = ((projected.x + 1) / 2) * width;
  const y = ((1 - projected.y) / 2) * height;
  tag.element.style.transform = `translate(-50%, -100%) translate(${x.toFixed(1)}px, ${y.toFixed(1)}px)`;
}

export function updateNameTags(store: WorldStore, layer: HTMLElement, camera: Camera): void {
  frame += 1;
  const width = layer.clientWidth;
  const height = layer.clientHeight;
  const limit = TAG_MAX_DISTANCE * TAG_MAX_DISTANCE;
  if (store.local && store.sessionId && store.connection === 'joined') {
    const tag = tagFor(layer, store.sessionId, store.local.name, store.local.wearing);
    tag.seen = frame;
    const { wearingModel, wearingSlot, figure } = store.local;
    show(
      tag,
      store.local.predicted,
      camera,
      width,
      height,
      figure.tagHeight + liftFor(wearingModel, wearingSlot),
    );
  }
  picker.reset();
  for (const remote of store.remotes.values()) {
    if (remote.count === 0) continue; // no position received yet
    const existing = tags.get(remote.id);
    if (existing) existing.seen = frame;
    const { x, y, z } = remote.rendered;
    const d2 = camera.position.distanceToSquared(projected.set(x, y + remote.figure.tagHeight, z));
    if (d2 <= limit) picker.offer(remote, d2);
  }
  for (let i = 0; i < picker.count; i++) {
    const remote = picker.at(i);
    const tag = tagFor(layer, remote.id, remote.name, remote.wearing);
    tag.seen = frame;
    tag.element.classList.toggle('speaking', store.speaking.has(remote.id));
    const over = remote.figure.tagHeight + liftFor(remote.wearingModel, remote.wearingSlot);
    show(tag, remote.rendered, camera, width, height, over);
  }
  for (const [id, tag] of tags) {
    if (tag.seen !== frame) {
      tag.element.remove();
      tags.delete(id);
    } else if (tag.visible && tag.shown !== frame) {
      tag.visible = false;
      tag.element.style.display = 'none';
    }
  }
}
