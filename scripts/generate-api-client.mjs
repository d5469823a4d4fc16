#!/usr/bin/env node
/**
 * Generates the typed REST client from the server's OpenAPI document.
 *   node scripts/generate-api-client.mjs          writes client/src/shared/api/{openapi.json,generated/}
 *   node scripts/generate-api-client.mjs --check  fails if what is committed differs from what the code gives
 * The document comes from the real server (built into dist/), started on a free port with a throwaway
 * embedded database, so it is exactly what /docs-json serves.
 */
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@hey-api/openapi-ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const apiDir = path.join(root, 'client/src/shared/api');
const check = process.argv.includes('--check');

async function fetchDocument() {
  const { parseConfig, startServer } = await import(path.join(root, 'dist/server/index.js'));
  const dataDir = await mkdtemp(path.join(tmpdir(), 'mib-openapi-'));
  const server = await startServer(
    parseConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'error' }),
    { clientDir: path.join(dataDir, 'no-client') },
  );
  try {
    const res = await fetch(`${server.url}/docs-json`);
    if (!res.ok) throw new Error(`GET /docs-json answered ${res.status}`);
    return await res.json();
  } finally {
    await server.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function generate(outDir, document) {
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, 'openapi.json'), `${JSON.stringify(document, null, 2)}\n`);
  await createClient({
    input: path.join(outDir, 'openapi.json'),
    output: { path: path.join(outDir, 'generated'), importFileExtension: '.js', clean: true },
    plugins: ['@hey-api/client-fetch', '@hey-api/typescript', '@hey-api/sdk'],
    logs: { level: 'silent' },
  });
}

async function listFiles(dir, base = dir) {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const files = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await listFiles(full, base)));
    else files.push(path.relative(base, full));
  }
  return files.sort();
}

const document = await fetchDocument();
if (!check) {
  await generate(apiDir, document);
  console.log(`api client: wrote ${path.relative(root, apiDir)}/openapi.json and generated/`);
} else {
  const scratch = await mkdtemp(path.join(tmpdir(), 'mib-api-check-'));
  try {
    await generate(scratch, document);
    const expected = (await listFiles(scratch)).filter(
      (f) => f === 'openapi.json' || f.startsWith('generated'),
    );
    const actual = (await listFiles(apiDir)).filter((f) => f === 'openapi.json' || f.startsWith('generated'));
    const differing = [...new Set([...expected, ...actual])].filter(
      (file) => !expected.includes(file) || !actual.includes(file),
    );
    for (const file of expected.filter((f) => actual.includes(f)))
      if (
        (await readFile(path.join(scratch, file), 'utf8')) !==
        (await readFile(path.join(apiDir, file), 'utf8'))
      )
        differing.push(file);
    if (differing.length > 0) {
      console.error(
        `api client: out of date with the server's OpenAPI document (${differing.join(', ')}); run \`npm run api:generate\` and commit the result`,
      );
      process.exitCode = 1;
    } else console.log('api client: up to date');
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
