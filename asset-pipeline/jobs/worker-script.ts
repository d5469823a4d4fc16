/** Where a compiled worker-thread script of this package is, from the module that starts it. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The compiled script `fileName` beside the module at `moduleUrl` when that runs from dist/; when it runs
 * from TypeScript sources (tests), the build's copy under dist/ (tests run after `npm run build`).
 */
export function builtWorkerScript(moduleUrl: string, fileName: string): string {
  const here = path.dirname(fileURLToPath(moduleUrl));
  const sibling = path.join(here, fileName);
  if (existsSync(sibling)) return sibling;
  const part = `${path.sep}asset-pipeline`;
  const at = `${here}${path.sep}`.lastIndexOf(`${part}${path.sep}`);
  const fromDist =
    at < 0 ? undefined : path.join(`${here.slice(0, at)}${path.sep}dist${here.slice(at)}`, fileName);
  if (fromDist && existsSync(fromDist)) return fromDist;
  throw new Error(
    `asset-pipeline: the worker script ${fileName} is not built (looked beside ${here} and under dist/); run \`npm run build\``,
  );
}
