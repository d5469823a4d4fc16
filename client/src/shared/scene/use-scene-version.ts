/**
 * The version of the scene the store holds, as React state: a component using it re-renders once when a
 * new scene version is loaded, and never otherwise (checked each frame, no allocation).
 */
import { useFrame } from '@react-three/fiber';
import { useState } from 'react';
import type { SceneSource } from './scene-source.js';

export function useSceneVersion(store: SceneSource): number {
  const [version, setVersion] = useState(store.sceneVersion);
  useFrame(() => {
    if (store.sceneVersion !== version) setVersion(store.sceneVersion);
  });
  return version;
}
