/**
 * A React view of what `read` returns, read again every `everyMs`: for HUDs over the world store, which
 * the frame loop and the room change outside React (the 3D view itself updates every frame).
 */
import { useEffect, useState } from 'react';

export function usePolled<T>(read: () => T, everyMs: number): T {
  const [value, setValue] = useState(read);
  useEffect(() => {
    const timer = setInterval(() => setValue(read()), everyMs);
    return () => clearInterval(timer);
  });
  return value;
}
