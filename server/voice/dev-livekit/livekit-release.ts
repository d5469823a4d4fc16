/**
 * The LiveKit server release the project builds and runs (scripts/livekit-install.sh reads these two
 * lines with sed: keep their shape). v1.13.5's go.mod has no replace directives, so `go install` accepts
 * it; later commits add them again — check a newer tag builds with `go install` before moving the pin.
 */
export const LIVEKIT_SERVER_TAG = 'v1.13.5';
export const LIVEKIT_SERVER_MODULE = 'github.com/livekit/livekit-server/cmd/server';
