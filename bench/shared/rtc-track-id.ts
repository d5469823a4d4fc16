/**
 * Which inbound RTP stream belongs to a subscribed rtc-node track.
 *
 * A room's session stats (`Room.getRtcStats()`) list every inbound stream by its WebRTC track identifier,
 * a UUID that rtc-node does not expose on `RemoteTrack` (LiveKit maps streams to tracks by transceiver
 * mid in its signalling). The FFI's per-track `getStats` request answers with that track's own inbound
 * stream, so one call per subscription gives the mapping; session stats then serve every track at once.
 * rtc-node 1.1 has no public wrapper for the per-track request, so this sends it through the FFI client
 * that rtc-node keeps on `globalThis` — an internal of the pinned version, used by the benchmark only.
 */
import type { RemoteTrack } from '@livekit/rtc-node';

interface FfiEvent {
  message: { case?: string; value?: { asyncId?: bigint; error?: string; stats?: TrackStat[] } };
}
interface TrackStat {
  stats: { case?: string; value?: { inbound?: { trackIdentifier?: string } } };
}
interface FfiClient {
  getNextRequestAsyncId(): bigint;
  request(request: {
    message: { case: 'getStats'; value: { trackHandle: bigint; requestAsyncId: bigint } };
  }): unknown;
  on(event: 'ffi_event', listener: (event: FfiEvent) => void): void;
  off(event: 'ffi_event', listener: (event: FfiEvent) => void): void;
}

function ffiClient(): FfiClient {
  const client = (globalThis as { _ffiClientInstance?: FfiClient })._ffiClientInstance;
  if (!client?.request)
    throw new Error(
      'rtc-track-id: rtc-node keeps no FFI client on globalThis (its internals changed): update bench/shared/rtc-track-id.ts for the installed @livekit/rtc-node',
    );
  return client;
}

/** The track's inbound stream identifier, or undefined while no packet has arrived yet. */
async function inboundIdOnce(track: RemoteTrack): Promise<string | undefined> {
  const handle = (track as unknown as { ffi_handle?: { handle?: bigint } }).ffi_handle?.handle;
  if (handle === undefined)
    throw new Error('rtc-track-id: the track has no FFI handle (rtc-node internals changed)');
  const client = ffiClient();
  const id = client.getNextRequestAsyncId();
  // Unanswered after 2 s (a loaded process): given up, and asked again by the caller.
  const answer = new Promise<FfiEvent['message']['value']>((resolve) => {
    const done = (value: FfiEvent['message']['value']): void => {
      client.off('ffi_event', listener);
      clearTimeout(timer);
      resolve(value);
    };
    const listener = (event: FfiEvent): void => {
      if (event.message.case === 'getStats' && event.message.value?.asyncId === id) done(event.message.value);
    };
    const timer = setTimeout(() => done({ error: 'no answer within 2 s' }), 2_000);
    client.on('ffi_event', listener);
  });
  client.request({ message: { case: 'getStats', value: { trackHandle: handle, requestAsyncId: id } } });
  const result = await answer;
  if (result?.error) return undefined;
  for (const stat of result?.stats ?? [])
    if (stat.stats.case === 'inboundRtp' && stat.stats.value?.inbound?.trackIdentifier)
      return stat.stats.value.inbound.trackIdentifier;
  return undefined;
}

/**
 * The inbound stream identifier of a subscribed track: asked every 50 ms until its first packets have
 * arrived (undefined when `stillWanted()` turns false first, or after 20 s).
 */
export async function inboundStreamId(
  track: RemoteTrack,
  stillWanted: () => boolean,
): Promise<string | undefined> {
  const until = Date.now() + 20_000;
  while (stillWanted() && Date.now() < until) {
    const id = await inboundIdOnce(track).catch(() => undefined);
    if (id) return id;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return undefined;
}
