/**
 * Imported first by the voice benchmark's processes, before @livekit/rtc-node loads.
 *
 * - rtc-node logs at debug level to stdout unless NODE_ENV is "production" when it loads, and the
 *   benchmark's stdout must end with its JSON line. `restoreNodeEnv()` puts the variable back before the
 *   server is started with this process's env.
 * - rtc-node starts its native side with `captureLogs` on: every log line of libwebrtc, at its most verbose
 *   level (each ICE connectivity check of every candidate pair), then comes to JavaScript as one FFI event
 *   that every room of the process decodes — 4,000 a second in a process of 9 bots, most of its CPU.
 *   `keepNativeLogsNative()` starts it with capture off instead: native logs then go to the native
 *   logger (stderr, errors only unless RUST_LOG says otherwise). It replaces the binding's
 *   `livekitInitialize` that rtc-node 1.1 looks up when it creates its FFI client — an internal of the
 *   pinned version, used by the benchmark only.
 */
import { createRequire } from 'node:module';

const before = process.env.NODE_ENV;
process.env.NODE_ENV = 'production';

export function restoreNodeEnv(): void {
  if (before === undefined) delete process.env.NODE_ENV;
  else process.env.NODE_ENV = before;
}

interface FfiBindings {
  livekitInitialize(callback: (data: Uint8Array) => void, captureLogs: boolean, sdkVersion: string): void;
}

export function keepNativeLogsNative(): void {
  // The bindings rtc-node itself requires (resolved from its own path).
  const fromRtcNode = createRequire(createRequire(import.meta.url).resolve('@livekit/rtc-node'));
  const bindings = fromRtcNode('@livekit/rtc-ffi-bindings') as FfiBindings;
  if (typeof bindings.livekitInitialize !== 'function')
    throw new Error(
      'quiet-rtc-node: @livekit/rtc-ffi-bindings has no livekitInitialize (its internals changed): update bench/voice/quiet-rtc-node.ts',
    );
  const initialize = bindings.livekitInitialize.bind(bindings);
  bindings.livekitInitialize = (callback, _captureLogs, sdkVersion) =>
    initialize(callback, false, sdkVersion);
}
