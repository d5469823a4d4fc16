/**
 * The JSX catalogue (client/src/shared/scene/three-elements.ts) must hold every three.js class the apps
 * write as a JSX element: the build hands R3F's <Canvas> that list instead of all of three, so a class
 * missing from it fails only at run time, in the browser ("… is not part of the THREE namespace").
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import * as THREE from 'three';
import * as CATALOGUE from '../../client/src/shared/scene/three-elements.js';

const CLIENT_SOURCES = path.resolve('client/src');

function tsxFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsxFiles(full);
    return entry.name.endsWith('.tsx') ? [full] : [];
  });
}

/** Lower-case JSX tags whose class name (first letter raised) is one of three's exports, with a file each. */
function threeElementsUsed(sources: Array<{ file: string; text: string }>): Map<string, string> {
  const used = new Map<string, string>();
  for (const { file, text } of sources)
    for (const match of text.matchAll(/<([a-z][A-Za-z0-9]*)[\s/>]/g)) {
      const className = match[1]!.charAt(0).toUpperCase() + match[1]!.slice(1);
      if (className in THREE && !used.has(className))
        used.set(className, path.relative(CLIENT_SOURCES, file));
    }
  return used;
}

describe('three-elements: the JSX catalogue', () => {
  const sources = tsxFiles(CLIENT_SOURCES).map((file) => ({ file, text: readFileSync(file, 'utf8') }));
  const used = threeElementsUsed(sources);

  it('finds the elements the apps draw (the scan works)', () => {
    for (const name of ['Mesh', 'Group', 'MeshStandardMaterial', 'BoxGeometry', 'HemisphereLight'])
      expect(used.has(name)).toBe(true);
    // `primitive` is R3F's own element, not a class of three.
    expect(used.has('Primitive')).toBe(false);
  });

  it('holds every three.js class used as a JSX element in client/src', () => {
    const missing = [...used]
      .filter(([name]) => !(name in CATALOGUE))
      .map(([name, file]) => `${name} (${file})`);
    expect(missing).toEqual([]);
  });

  it('would catch an element added without its class', () => {
    const planted = threeElementsUsed([
      { file: path.join(CLIENT_SOURCES, 'x.tsx'), text: '<rectAreaLight intensity={2} />' },
    ]);
    expect([...planted.keys()].filter((name) => !(name in CATALOGUE))).toEqual(['RectAreaLight']);
  });

  it('holds only classes of three (what R3F can construct)', () => {
    for (const [name, value] of Object.entries(CATALOGUE)) {
      expect(value).toBe((THREE as Record<string, unknown>)[name]);
      expect(typeof value).toBe('function');
    }
  });
});
