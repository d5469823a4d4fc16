/**
 * Post-processing for the high preset (post-effects.ts), drawn instead of R3F's own render: its frame
 * callback has priority 1, which hands the drawing to it, after the frame loop (priority 0). Its code is
 * fetched the first time the setting is on; until it is in, or if it cannot be fetched, the scene is drawn
 * as usual. `report` says where it stands (the test hook shows it).
 */
import { useFrame, useThree } from '@react-three/fiber';
import { useEffect, useState } from 'react';
import type { PostEffects as Effects } from './post-effects.js';

export type PostEffectsState = 'off' | 'loading' | 'on' | 'failed';

export function PostEffects({ report }: { report: (state: PostEffectsState) => void }) {
  const gl = useThree((state) => state.gl);
  const scene = useThree((state) => state.scene);
  const camera = useThree((state) => state.camera);
  const size = useThree((state) => state.size);
  const dpr = useThree((state) => state.viewport.dpr);
  const [effects, setEffects] = useState<Effects | null>(null);

  useEffect(() => {
    let cancelled = false;
    let made: Effects | null = null;
    report('loading');
    import('./post-effects.js')
      .then(({ createPostEffects }) => {
        if (cancelled) return;
        made = createPostEffects(gl, scene, camera);
        setEffects(made);
        report('on');
      })
      .catch(() => {
        if (!cancelled) report('failed'); // drawn without them: nothing to tell the visitor
      });
    return () => {
      cancelled = true;
      made?.dispose();
      setEffects(null);
      report('off');
    };
  }, [gl, scene, camera, report]);

  useEffect(() => effects?.setSize(size.width, size.height, dpr), [effects, size, dpr]);

  useFrame((_, delta) => {
    if (effects) effects.render(delta);
    else gl.render(scene, camera); // R3F draws nothing itself while a priority callback is mounted
  }, 1);
  return null;
}
