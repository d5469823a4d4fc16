/**
 * The voice client, loaded — LiveKit and all — only when the room first assigns this visitor voice: a
 * spectator, a visitor of a world with voice off, or one without a session never downloads it. Until
 * then an "off" assignment only says why; calls wait for the load.
 */
import type { VoiceEvent } from '../../../../protocol/index.js';
import type { VideoKind } from './media-videos.js';
import type { VoiceClient, VoiceDeps } from './voice-client.js';

export class LazyVoice {
  private client: VoiceClient | null = null;
  private loading: Promise<VoiceClient> | null = null;
  private latest: VoiceEvent | null = null;
  private stopped = false;

  constructor(private readonly deps: VoiceDeps) {}

  apply(event: VoiceEvent): void {
    this.latest = event;
    if (this.client) return this.client.apply(event);
    if (!event.enabled) {
      this.deps.store.voiceStatus = event.off;
      return;
    }
    void this.load()
      .then((client) => {
        if (this.latest) client.apply(this.latest);
      })
      .catch(() => {
        this.deps.store.voiceStatus = 'Voice could not be loaded; reload the page to try again.';
      });
  }

  async setMicrophone(on: boolean): Promise<void> {
    await (await this.load()).setMicrophone(on);
  }

  async setVideo(kind: VideoKind, on: boolean): Promise<void> {
    await (await this.load()).setVideo(kind, on);
  }

  /** Per frame: nothing to do until voice is loaded. */
  updatePanning(listenerYaw: number): void {
    this.client?.updatePanning(listenerYaw);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.client?.stop();
  }

  private load(): Promise<VoiceClient> {
    this.loading ??= import('./voice-client.js').then(({ VoiceClient }) => {
      const client = new VoiceClient(this.deps);
      if (this.stopped) void client.stop();
      else this.client = client;
      return client;
    });
    return this.loading;
  }
}
