/**
 * The voice benchmark's mutes: a moderator mutes one speaker after another through the API, and each time
 * the benchmark measures how long the speaker's listeners still received its voice.
 */
import { HEARD_RMS, levelOf, type VoiceBot, type VoiceLink } from '../shared/voice-bots.js';
import { waitFor } from '../shared/wait.js';

/** A mute whose voice is still heard this long after the API call counts as timed out. */
export const MUTE_TIMEOUT_MS = 10_000;

export interface MuteCase {
  muted: VoiceBot<VoiceLink>;
  /** Listeners that heard the muted speaker until now. */
  ears: Array<VoiceBot<VoiceLink>>;
}

export interface MuteFigures {
  /** Per mute: the API call → the last loud interval any ear received from the muted speaker (ms). */
  muteMs: number[];
  /** Mutes after which the muted voice was still heard MUTE_TIMEOUT_MS later. */
  muteTimeouts: number;
}

/** Mutes each case's speaker in `world` with the owner's token, one after another. */
export async function measureMutes(
  options: { serverUrl: string; world: string; ownerToken: string; log: (line: string) => void },
  cases: MuteCase[],
): Promise<MuteFigures> {
  const muteMs: number[] = [];
  let muteTimeouts = 0;
  for (const { muted, ears } of cases) {
    const at = Date.now();
    const response = await fetch(
      `${options.serverUrl}/worlds/${options.world}/mutes/${muted.who.accountId}`,
      {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.ownerToken}` },
        body: JSON.stringify({ reason: 'benchmark' }),
      },
    );
    if (!response.ok) throw new Error(`bench: mute failed: ${response.status} ${await response.text()}`);
    const silenced = await waitFor(() => ears.every((ear) => levelOf(ear, muted) === 0), Boolean, {
      what: `${muted.name} silent after the mute`,
      timeoutMs: MUTE_TIMEOUT_MS,
      intervalMs: 20,
    }).catch(() => false);
    if (!silenced) {
      muteTimeouts += 1;
      options.log(`  ${muted.name} was still heard ${MUTE_TIMEOUT_MS} ms after the mute`);
    }
    const last = Math.max(
      at,
      ...ears.map((ear) => {
        const frames = ear.audio.get(muted.identity)?.frames ?? [];
        return frames.filter(([, level]) => level > HEARD_RMS).at(-1)?.[0] ?? at;
      }),
    );
    muteMs.push(last - at);
  }
  return { muteMs, muteTimeouts };
}
