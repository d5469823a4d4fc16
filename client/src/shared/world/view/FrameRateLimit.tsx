/**
 * Draws the world at most `fps` times a second (the visitor's frame-rate cap). The canvas then runs with
 * `frameloop="never"` and this advances it: a timer every 1/fps s asks for one animation frame and renders
 * it. A timer, not a loop on every display refresh, and not `invalidate()` (parts of the scene ask for a
 * new frame whenever anything moves, which in a world with visitors is always): the page then asks the
 * browser for a frame only when it draws one, which is most of what the cap is meant to save. Without a
 * cap (fps 0) the canvas draws every refresh (`frameloop="always"`) and this does nothing; nor in VR, where
 * the headset's frame loop draws.
 */
import { advance, useThree } from '@react-three/fiber';
import { useEffect } from 'react';

export function FrameRateLimit({ fps }: { fps: number }) {
  const get = useThree((state) => state.get);
  useEffect(() => {
    if (fps <= 0) return;
    // advance() takes seconds on the canvas clock: continue from where it stands.
    const origin = performance.now() / 1000 - get().clock.elapsedTime;
    let pending = 0;
    const timer = setInterval(() => {
      // In VR the headset's own frame loop draws every frame (the cap does not apply there).
      if (pending || get().gl.xr.isPresenting) return;
      pending = requestAnimationFrame((now) => {
        pending = 0;
        advance(now / 1000 - origin, true, get());
      });
    }, 1000 / fps);
    return () => {
      clearInterval(timer);
      cancelAnimationFrame(pending);
    };
  }, [fps, get]);
  return null;
}

/** The canvas' frame loop for a cap: the cap's own timer drives it, else every display refresh. */
export const frameloopFor = (fps: number): 'never' | 'always' => (fps > 0 ? 'never' : 'always');
