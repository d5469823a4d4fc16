/**
 * "Enter VR", shown only where the browser offers immersive VR (a headset, or an emulated one). The click
 * asks for the session (a browser allows that only from a user's gesture), then loads the VR rig's code,
 * which nothing downloads before.
 */
import { useEffect, useState, type ComponentType, type RefObject } from 'react';
import type { WorldConnection } from '../../../shared/net/world-connection.js';
import type { WorldStore } from '../../../shared/world/world-store.js';

export interface VrRigProps {
  session: XRSession;
  store: WorldStore;
  connection: RefObject<WorldConnection | null>;
  onEnd: () => void;
}

export interface VrEntered {
  session: XRSession;
  Rig: ComponentType<VrRigProps>;
}

/** Whether this browser offers immersive VR (false while it is being asked, and where it cannot say). */
function useVrSupported(): boolean {
  const [supported, setSupported] = useState(false);
  useEffect(() => {
    let live = true;
    const xr = (navigator as Navigator & { xr?: XRSystem }).xr;
    xr?.isSessionSupported('immersive-vr')
      .then((yes) => live && setSupported(yes))
      .catch(() => undefined);
    return () => void (live = false);
  }, []);
  return supported;
}

export function EnterVrButton({
  disabled,
  onEntered,
  onProblem,
}: {
  disabled: boolean;
  onEntered: (entered: VrEntered) => void;
  onProblem: (text: string) => void;
}) {
  const supported = useVrSupported();
  const [starting, setStarting] = useState(false);
  if (!supported) return null;
  const enter = async () => {
    const xr = (navigator as Navigator & { xr?: XRSystem }).xr;
    if (!xr) return;
    setStarting(true);
    let session: XRSession | undefined;
    try {
      session = await xr.requestSession('immersive-vr', {
        optionalFeatures: ['local-floor', 'hand-tracking'],
      });
      const { VrRig } = await import('./VrRig.js');
      onEntered({ session, Rig: VrRig });
    } catch (error) {
      await session?.end().catch(() => undefined);
      const why = error instanceof Error ? error.message : String(error);
      onProblem(
        session
          ? `VR could not start: its code did not load (${why}). Check your connection and try again.`
          : `The headset did not open a VR session: ${why}. Put the headset on and try again.`,
      );
    } finally {
      setStarting(false);
    }
  };
  return (
    <button
      type="button"
      className="enter-vr"
      disabled={disabled || starting}
      onClick={() => void enter()}
      title="Teleport with the trigger, turn with the thumbstick, hold the grip to talk"
    >
      {starting ? 'Entering VR…' : 'Enter VR'}
    </button>
  );
}
