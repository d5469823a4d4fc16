#!/usr/bin/env node
/**
 * Builds (`npm run build`) only when the build's inputs changed since the last build, so restarting an
 * unchanged checkout (`npm start`, `npm test`) does not rebuild. The inputs are hashed by content — the
 * sources of every built part, the tsconfigs, the Vite config and package-lock.json — and the hash is kept
 * in dist/.build-inputs once a build succeeded. `--force` builds anyway.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const STAMP = path.join(root, 'dist', '.build-inputs');
/** What `npm run build` reads (tsconfig.build.json's include, and the client's Vite root). */
const INPUT_DIRS = ['protocol', 'server', 'asset-pipeline', 'nft-bridge', 'bench', 'client'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json'];
/** What the build writes: without them, a matching hash still means a build is needed. */
const OUTPUTS = ['dist/server/main.js', 'dist/client/index.html'];

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile()) yield full;
  }
}

function inputsHash() {
  const hash = createHash('sha256');
  const all = [
    ...INPUT_DIRS.flatMap((dir) =>
      existsSync(path.join(root, dir)) ? [...files(path.join(root, dir))] : [],
    ),
    ...INPUT_FILES.map((file) => path.join(root, file)).filter((file) => existsSync(file)),
  ];
  for (const file of all) {
    hash.update(path.relative(root, file));
    hash.update('\0');
    hash.update(readFileSync(file));
    hash.update('\0');
  }
  return { hash: hash.digest('hex'), count: all.length };
}

const started = Date.now();
const { hash, count } = inputsHash();
const built = existsSync(STAMP) ? readFileSync(STAMP, 'utf8').trim() : '';
const outputsThere = OUTPUTS.every((file) => existsSync(path.join(root, file)));
if (!process.argv.includes('--force') && built === hash && outputsThere) {
  console.log(`build: up to date (${count} inputs checked in ${Date.now() - started} ms)`);
  process.exit(0);
}
console.log(built ? 'build: sources changed since the last build; building' : 'build: building (first time)');
const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
writeFileSync(STAMP, `${hash}\n`);
