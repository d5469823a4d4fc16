/**
 * Name tags as DOM labels over each avatar's head, positioned by projecting into screen space. Elements
 * are created when an avatar appears and removed when it leaves; per frame only their transforms change.
 * A visitor wearing a token (an active wearable binding) shows its picture in the tag, served by this
 * server; it goes when the token leaves the wallet.
 */
import { Vector3, type Camera } from 'three';
import type { AvatarBody } from '../../../protocol/index.js';
import type { WorldStore } from '../world-store.js';

/** Beyond this distance from the camera, in metres, tags are hidden (they would be unreadable clutter). */
const TAG_MAX_DISTANCE = 40;
const HEAD_HEIGHT = 2.1;

const projected = new Vector3();
const tags = new Map<string, HTMLDivElement>();
const seen = new Set<string>();

function tagFor(layer: HTMLElement, id: string, name: string, wearing: string): HTMLDivElement {
  let tag = tags.get(id);
  if (!tag) {
    tag = document.createElement('div');
    tag.className = 'name-tag';
    tag.textContent = name;
    layer.appendChild(tag);
    tags.set(id, tag);
  }
  if ((tag.dataset.wearing ?? '') !== wearing) {
    tag.dataset.wearing = wearing;
    tag.querySelector('img')?.remove();
    if (wearing) {
      const picture = document.createElement('img');
      picture.className = 'worn-token';
      picture.alt = 'worn token';
      picture.src = `/assets/files/${wearing}`;
      tag.prepend(picture);
    }
  }
  return tag;
}

function position(
  tag: HTMLDivElement,
  body: AvatarBody,
  camera: Camera,
  width: number,
  height: number,
): void {
  projected.set(body.x, HEAD_HEIGHT + body.y, body.z);
  const distance = projected.distanceTo(camera.position);
  projected.project(camera);
  const visible = projected.z < 1 && distance < TAG_MAX_DISTANCE;
  tag.style.display = visible ? 'block' : 'none';
  if (!visible) return;
  const x = ((projected.x + 1) / 2) * width;
  const y = ((1 - projected.y) / 2) * height;
  tag.style.transform = `translate(-50%, -100%) translate(${x.toFixed(1)}px, ${y.toFixed(1)}px)`;
}

export function updateNameTags(store: WorldStore, layer: HTMLElement, camera: Camera): void {
  const width = layer.clientWidth;
  const height = layer.clientHeight;
  seen.clear();
  if (store.local && store.sessionId && store.connection === 'joined') {
    seen.add(store.sessionId);
    const tag = tagFor(layer, store.sessionId, store.local.name, store.local.wearing);
    position(tag, store.local.predicted, camera, width, height);
  }
  for (const remote of store.remotes.values()) {
    if (remote.count === 0) continue; // no position received yet
    seen.add(remote.id);
    const tag = tagFor(layer, remote.id, remote.name, remote.wearing);
    tag.classList.toggle('speaking', store.speaking.has(remote.id));
    position(tag, remote.rendered, camera, width, height);
  }
  for (const [id, tag] of tags) {
    if (!seen.has(id)) {
      tag.remove();
      tags.delete(id);
    }
  }
}
