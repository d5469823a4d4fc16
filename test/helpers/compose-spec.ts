/**
 * The compose-spec JSON schema, as the compose implementation of Docker itself embeds it: the Go module
 * github.com/compose-spec/compose-go/v2 (schema/compose-spec.json), pinned here and downloaded from the Go
 * module proxy by `npm run services`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

export const COMPOSE_SPEC_MODULE = 'github.com/compose-spec/compose-go/v2@v2.16.2';

/** The schema, parsed; fails naming the fix when the module was not downloaded. */
export function composeSpecSchema(): Record<string, unknown> {
  let dir: string;
  try {
    const info = JSON.parse(
      execFileSync('go', ['mod', 'download', '-json', COMPOSE_SPEC_MODULE], {
        encoding: 'utf8',
        env: { ...process.env, GOFLAGS: '-mod=mod' },
      }),
    ) as { Dir?: string; Error?: string };
    if (!info.Dir) throw new Error(info.Error ?? 'no module directory');
    dir = info.Dir;
  } catch (error) {
    throw new Error(
      `the compose-spec schema (${COMPOSE_SPEC_MODULE}) is not available: run \`npm run services\` ` +
        `(it downloads it from the Go module proxy): ${(error as Error).message}`,
      { cause: error },
    );
  }
  return JSON.parse(readFileSync(path.join(dir, 'schema', 'compose-spec.json'), 'utf8')) as Record<
    string,
    unknown
  >;
}
