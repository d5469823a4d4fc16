/**
 * The node options the server process runs with — `npm start`, the container image's CMD, and the tests'
 * and benchmarks' server processes all use these (test/infra/node-flags.test.ts holds them to it).
 *
 * `--max-semi-space-size=8` (MB): V8 sizes the young generation from the machine's memory (here up to
 * 64 MB live in it at once), and under a room's allocation rate more of a tick's short-lived garbage is then
 * promoted and piles up in the old generation between major collections. Capped at 8 MB, `bench:room`
 * with 1,000 visitors measured the server at 523–549 MB RSS scattered and 568 MB in a crowd, against
 * 638–656 and 701 MB uncapped (same runs, 2026-12-07), with tick, patch and latency figures within the
 * run-to-run spread and the same CPU.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
