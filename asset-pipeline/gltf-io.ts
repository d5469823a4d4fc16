/**
 * One glTF reader/writer with every extension and codec the pipeline handles (Draco, meshopt, KTX2,
 * WebP…), created once per process: the codecs are WASM modules that take a moment to start.
 */
import { Logger, NodeIO } from '@gltf-transform/core';
import { ALL_EXTENSIONS } from '@gltf-transform/extensions';
import draco3d from 'draco3dgltf';
import { MeshoptDecoder, MeshoptEncoder, MeshoptSimplifier } from 'meshoptimizer';
import sharp from 'sharp';
import { VRM_EXTENSIONS } from './vrm/vrm-extensions.js';

// One libvips thread: image work runs inside pipeline jobs next to world rooms, which must keep their tick.
sharp.concurrency(1);

/** Transforms log every step at info level; only warnings and errors are worth a line in our logs. */
export const QUIET = new Logger(Logger.Verbosity.WARN);

let ioPromise: Promise<NodeIO> | undefined;

export function gltfIO(): Promise<NodeIO> {
  ioPromise ??= (async () => {
    const [decoder, encoder] = await Promise.all([
      draco3d.createDecoderModule(),
      draco3d.createEncoderModule(),
    ]);
    await Promise.all([MeshoptDecoder.ready, MeshoptEncoder.ready, MeshoptSimplifier.ready]);
    return new NodeIO()
      .setLogger(QUIET)
      .registerExtensions([...ALL_EXTENSIONS, ...VRM_EXTENSIONS])
      .registerDependencies({
        'draco3d.decoder': decoder,
        'draco3d.encoder': encoder,
        'meshopt.decoder': MeshoptDecoder,
        'meshopt.encoder': MeshoptEncoder,
      });
  })();
  return ioPromise;
}
