/** The live session's newest notice (a change not kept, an entity deleted by someone else), for a few seconds. */
import { useEffect, useState } from 'react';
import type { LiveDraftSession } from './live-draft-session.js';

/** How long a notice stays up, in ms. */
const NOTICE_MS = 8_000;

export function useRecentNotice(session: LiveDraftSession | null): string | null {
  const count = session?.notices.length ?? 0;
  const [shown, setShown] = useState<string | null>(null);
  useEffect(() => {
    const latest = session?.notices.at(-1);
    if (!latest) return;
    setShown(latest);
    const timer = setTimeout(() => setShown(null), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [session, count]);
  return shown;
}
