import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { ENVIRONMENT_HDRIS } from '../protocol/scene-components.js';

const require = createRequire(import.meta.url);
// three exports no package.json; its main entry sits in build/, next to examples/.
const threeLibs = path.join(path.dirname(require.resolve('three')), '..', 'examples', 'jsm', 'libs');

/** The WASM decoders the loaders fetch at run time, served from this origin under /decoders/. */
const DECODERS: Record<string, string> = {
  'decoders/basis/basis_transcoder.js': path.join(threeLibs, 'basis', 'basis_transcoder.js'),
  'decoders/basis/basis_transcoder.wasm': path.join(threeLibs, 'basis', 'basis_transcoder.wasm'),
  'decoders/draco/draco_decoder.js': path.join(threeLibs, 'draco', 'gltf', 'draco_decoder.js'),
  'decoders/draco/draco_decoder.wasm': path.join(threeLibs, 'draco', 'gltf', 'draco_decoder.wasm'),
  'decoders/draco/draco_wasm_wrapper.js': path.join(threeLibs, 'draco', 'gltf', 'draco_wasm_wrapper.js'),
};

/**
 * The built-in HDR environments (protocol's ENVIRONMENT_HDRIS), served from this origin under
 * /environments/<name>.exr: @pmndrs/assets ships each as a base64 data URL in a JS module; the build
 * writes the EXR bytes themselves (fetched only by a scene that names one, and not as JavaScript).
 */
function environmentFile(name: string): Buffer {
  const module = readFileSync(require.resolve(`@pmndrs/assets/hdri/${name}.exr.js`), 'utf8');
  const base64 = /base64,([A-Za-z0-9+/=]+)/.exec(module)?.[1];
  if (!base64) throw new Error(`@pmndrs/assets/hdri/${name}.exr.js holds no base64 data URL`);
  return Buffer.from(base64, 'base64');
}

function environments(): Plugin {
  return {
    name: 'mib-environments',
    generateBundle() {
      for (const name of ENVIRONMENT_HDRIS)
        this.emitFile({ type: 'asset', fileName: `environments/${name}.exr`, source: environmentFile(name) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const name = /^\/environments\/([a-z]+)\.exr$/.exec((req.url ?? '').split('?')[0] ?? '')?.[1];
        if (!name || !(ENVIRONMENT_HDRIS as readonly string[]).includes(name)) return next();
        res.setHeader('Content-Type', 'image/x-exr');
        res.end(environmentFile(name));
      });
    },
  };
}

function decoders(): Plugin {
  return {
    name: 'mib-decoders',
    generateBundle() {
      for (const [fileName, source] of Object.entries(DECODERS))
        this.emitFile({ type: 'asset', fileName, source: readFileSync(source) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const file = DECODERS[(req.url ?? '').replace(/^\//, '').split('?')[0] ?? ''];
        if (!file) return next();
        res.setHeader('Content-Type', file.endsWith('.wasm') ? 'application/wasm' : 'text/javascript');
        res.end(readFileSync(file));
      });
    },
  };
}

const THREE_ELEMENTS = fileURLToPath(new URL('src/shared/scene/three-elements.ts', import.meta.url));

/**
 * R3F's <Canvas> registers `import * as THREE from 'three'` as its JSX catalogue, which keeps all of three
 * in every app's bundle. Its `three` import is answered with the classes the apps draw as JSX
 * (src/shared/scene/three-elements.ts) instead; everything else of three is imported by name and
 * tree-shaken as usual.
 */
function threeElements(): Plugin {
  return {
    name: 'mib-three-elements',
    enforce: 'pre',
    resolveId(source, importer) {
      if (
        source === 'three' &&
        importer &&
        /@react-three[\\/]fiber[\\/]dist[\\/]react-three-fiber\.esm\.js$/.test(importer)
      )
        return THREE_ELEMENTS;
      return null;
    },
  };
}

/**
 * Builds the apps — the player (index.html, at `/`), the studio (studio.html, at /studio), the embed
 * (embed.html, at /embed/<slug>) and the render page (render.html) — into dist/client.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), threeElements(), decoders(), environments()],
  build: {
    outDir: fileURLToPath(new URL('../dist/client', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // .vite/manifest.json: each chunk's static and dynamic imports (bench:client reads what the player can load).
    manifest: true,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      input: {
        player: fileURLToPath(new URL('index.html', import.meta.url)),
        studio: fileURLToPath(new URL('studio.html', import.meta.url)),
        embed: fileURLToPath(new URL('embed.html', import.meta.url)),
        render: fileURLToPath(new URL('render.html', import.meta.url)),
      },
    },
  },
  server: {
    // `npm run dev:client` proxies the API and room sockets to a server started with `npm start`.
    proxy: {
      '/matchmake': 'http://127.0.0.1:2567',
      '^/[\\w-]+/[\\w-]+\\?': { target: 'ws://127.0.0.1:2567', ws: true },
    },
  },
});
