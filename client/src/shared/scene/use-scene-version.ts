/**
 * The version of the scene the store holds, as React state: a component using it re-renders once when a
 * new scene version is loaded, and never otherwise (checked each frame, no allocation). A new version asks
 * for frames to be drawn (a canvas drawn only on change: DrawOnChange).
 */
import { useFrame } from '@react-three/fiber';
import { useState } from 'react';
import type { SceneSource } from './scene-source.js';

export function useSceneVersion(store: SceneSource): number {
  const [version, setVersion] = useState(store.sceneVersion);
  useFrame(({ invalidate }) => {
    if (store.sceneVersion === version) return;
    setVersion(store.sceneVersion);
    invalidate();
  });
  return version;
}
