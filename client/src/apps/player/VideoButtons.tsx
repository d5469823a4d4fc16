/**
 * Camera and screen-share buttons in the HUD, shown only where the world allows them (the voice grant's
 * sources); disabled, with the reason, where the visitor may not publish right now (muted, in a stage's
 * audience). The browser asks for permission on the first use; problems show as the HUD's notice.
 */
import type { VoiceEvent } from '../../../../protocol/index.js';
import type { VideoKind } from '../../shared/voice/media-videos.js';

export interface VideoButtonsView {
  voice: VoiceEvent | null;
  camera: boolean;
  screenShare: boolean;
}

export function VideoButtons({
  view,
  setVideo,
}: {
  view: VideoButtonsView;
  setVideo: (kind: VideoKind, on: boolean) => void;
}) {
  const grant = view.voice?.enabled ? view.voice.room : null;
  if (!grant) return null;
  const why = grant.kind === 'stage' ? 'Only those on the stage may' : 'A moderator muted you; you cannot';
  return (
    <>
      {grant.sources.includes('camera') && (
        <button
          type="button"
          className={`camera ${view.camera ? 'live' : ''}`}
          disabled={!grant.canPublish && !view.camera}
          onClick={() => setVideo('camera', !view.camera)}
          title={grant.canPublish ? 'Show your camera to people nearby' : `${why} use a camera here`}
        >
          {view.camera ? 'Camera on' : 'Camera off'}
        </button>
      )}
      {grant.sources.includes('screen_share') && (
        <button
          type="button"
          className={`share ${view.screenShare ? 'live' : ''}`}
          disabled={!grant.canPublish && !view.screenShare}
          onClick={() => setVideo('screen', !view.screenShare)}
          title={
            grant.canPublish
              ? "Share your screen on the scene's nearest share screen"
              : `${why} share a screen here`
          }
        >
          {view.screenShare ? 'Stop sharing' : 'Share screen'}
        </button>
      )}
    </>
  );
}
