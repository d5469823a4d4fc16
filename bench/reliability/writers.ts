/**
 * The crash harness' clients: a visitor pressing the demo button and an editor adding entities to the demo
 * world's draft through the REST API, each write with a unique id, each recorded as sent before it leaves
 * and as acknowledged only when the server answered it. They run until stopped or until their server is
 * gone (a kill makes every write in flight fail: not acknowledged).
 */
import { joinWorld, type Visitor } from '../shared/visitors.js';

export interface Ledger {
  pressesSent: number;
  pressesAcknowledged: number;
  editsSent: Set<string>;
  editsAcknowledged: Set<string>;
}

export const newLedger = (): Ledger => ({
  pressesSent: 0,
  pressesAcknowledged: 0,
  editsSent: new Set(),
  editsAcknowledged: new Set(),
});

/** The prefix of every harness edit's entity id (and name), so the checker finds them in the draft. */
export const EDIT_PREFIX = 'crash-edit-';

export interface Writers {
  visitor: Visitor;
  /** The first few refusals of edits (status and body), for the report. */
  refusals: string[];
  stop(): Promise<void>;
}

export async function operatorToken(url: string, email: string, password: string): Promise<string> {
  const response = await fetch(`${url}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`crash harness: operator login answered ${response.status}`);
  return ((await response.json()) as { accessToken: string }).accessToken;
}

async function draftEtag(url: string, token: string): Promise<string> {
  const response = await fetch(`${url}/worlds/demo/scene/draft`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`crash harness: GET draft answered ${response.status}`);
  await response.arrayBuffer();
  return response.headers.get('etag')!;
}

/** Starts both writers against `url`; `nextId` gives each edit its unique id. */
export async function startWriters(
  url: string,
  token: string,
  ledger: Ledger,
  nextId: () => string,
): Promise<Writers> {
  const visitor = await joinWorld(url, { name: 'Crash presser' });
  const refusals: string[] = [];
  let running = true;
  const presser = (async () => {
    const inFlight: Array<Promise<void>> = [];
    while (running && visitor.leftWith() === undefined) {
      ledger.pressesSent++;
      inFlight.push(
        visitor.press().then(
          () => void ledger.pressesAcknowledged++,
          () => undefined,
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 60));
    }
    await Promise.race([Promise.allSettled(inFlight), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  })();
  const editor = (async () => {
    let etag = await draftEtag(url, token).catch(() => '');
    while (running) {
      const id = `${EDIT_PREFIX}${nextId()}`;
      ledger.editsSent.add(id);
      try {
        const response = await fetch(`${url}/worlds/demo/scene/draft`, {
          method: 'PATCH',
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json-patch+json',
            'if-match': etag,
            prefer: 'return=minimal',
          },
          body: JSON.stringify([
            {
              op: 'add',
              path: `/entities/${id}`,
              value: { name: id, order: 'a0', transform: { position: [0, 0, 0] }, components: {} },
            },
          ]),
          signal: AbortSignal.timeout(10_000),
        });
        const body = await response.text();
        if (response.ok) {
          ledger.editsAcknowledged.add(id);
          etag = response.headers.get('etag') ?? (await draftEtag(url, token));
        } else if (response.status === 412 || response.status === 428) {
          etag = await draftEtag(url, token);
        } else {
          // Refused (a database outage answers 503): not acknowledged. Kept for the report.
          if (refusals.length < 5) refusals.push(`${response.status} ${body.slice(0, 200)}`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      } catch {
        // The server is gone (killed) or the database is: the edit is not acknowledged; try again shortly.
        await new Promise((resolve) => setTimeout(resolve, 200));
        etag = await draftEtag(url, token).catch(() => etag);
      }
    }
  })();
  return {
    visitor,
    refusals,
    stop: async () => {
      running = false;
      await Promise.all([presser, editor]);
      // Leaving a room whose server was killed waits for the SDK's reconnection attempts to give up.
      if (visitor.leftWith() === undefined) void visitor.leave().catch(() => undefined);
    },
  };
}
