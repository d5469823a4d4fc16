/**
 * What every admin panel does with the API: run a call with the studio's client, show its problem in the
 * creator's words, and reload what it lists afterwards.
 */
import { useCallback, useState } from 'react';
import type { Client } from '../../../shared/api/generated/client/index.js';
import { problemText, studioClient } from '../studio-api.js';

type Answer<T> = { data?: T; error?: unknown; response: Response };

export function useCall() {
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** Runs `call`; answers its data, or undefined after showing why it failed. */
  const call = useCallback(async <T,>(doing: string, make: (client: Client) => Promise<Answer<T>>) => {
    const client = await studioClient();
    if (!client) {
      setProblem(`Could not ${doing}: your session ended. Sign in again.`);
      return undefined;
    }
    setBusy(true);
    try {
      const { data, error, response } = await make(client);
      if (!response.ok) {
        setProblem(problemText(error, response, doing));
        return undefined;
      }
      setProblem(null);
      return (data ?? null) as T;
    } catch {
      setProblem(problemText(undefined, undefined, doing));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { call, problem, busy };
}

export function Problem({ text }: { text: string | null }) {
  return text ? (
    <p className="studio-problem" role="alert">
      {text}
    </p>
  ) : null;
}
