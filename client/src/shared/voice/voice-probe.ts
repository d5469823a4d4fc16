/**
 * What a visitor hears, measured where the sound leaves the panner: the left and right RMS of each remote
 * voice and what WebRTC received for it. Made on demand (browser tests, `window.__mib.voiceLevels()`):
 * the analysers are added to a voice's graph the first time it is measured, never before.
 */
import type { RemoteTrack } from 'livekit-client';

export interface VoiceLevel {
  /** The speaker's session in the world room. */
  sessionId: string;
  /** RMS of the last ~43 ms after panning and volume, per ear (0–1). */
  left: number;
  right: number;
  /** WebRTC inbound-rtp counters of the track. */
  bytesReceived: number;
  packetsReceived: number;
}

/** The listener as the panner hears from: position and yaw (forward = (sin yaw, 0, cos yaw)). */
export interface ListenerPose {
  x: number;
  z: number;
  yaw: number;
}

export interface VoiceProbe {
  levels(): Promise<VoiceLevel[]>;
  listener(): ListenerPose | null;
}

/** Per-ear analysers fed from a voice's last node (after the panner and the gain). */
export class EarMeter {
  private readonly left: AnalyserNode;
  private readonly right: AnalyserNode;
  private readonly samples: Float32Array<ArrayBuffer>;

  constructor(audio: AudioContext, output: AudioNode) {
    const splitter = audio.createChannelSplitter(2);
    this.left = audio.createAnalyser();
    this.right = audio.createAnalyser();
    this.left.fftSize = this.right.fftSize = 2048;
    this.samples = new Float32Array(this.left.fftSize);
    output.connect(splitter);
    splitter.connect(this.left, 0);
    splitter.connect(this.right, 1);
  }

  read(): { left: number; right: number } {
    return { left: this.rms(this.left), right: this.rms(this.right) };
  }

  private rms(analyser: AnalyserNode): number {
    analyser.getFloatTimeDomainData(this.samples);
    let sum = 0;
    for (const sample of this.samples) sum += sample * sample;
    return Math.sqrt(sum / this.samples.length);
  }
}

/** WebRTC's inbound counters for a remote track (zeros before its first report). */
export async function inboundOf(
  track: RemoteTrack,
): Promise<{ bytesReceived: number; packetsReceived: number }> {
  const report = await track.receiver?.getStats();
  let bytesReceived = 0;
  let packetsReceived = 0;
  report?.forEach((entry: { type?: string; bytesReceived?: number; packetsReceived?: number }) => {
    if (entry.type !== 'inbound-rtp') return;
    bytesReceived += entry.bytesReceived ?? 0;
    packetsReceived += entry.packetsReceived ?? 0;
  });
  return { bytesReceived, packetsReceived };
}
