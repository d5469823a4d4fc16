#!/usr/bin/env node
/**
 * Compares two folders of e2e screenshots (same file names) by SSIM, to check that a change to the
 * renderer left the picture alone:
 *   node scripts/compare-screenshots.mjs <before-dir> <after-dir>
 * Prints one line per image and, last, one JSON object with every score and the lowest.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { ssim } from 'ssim.js';

const [before, after] = process.argv.slice(2);
if (!before || !after) {
  console.error('usage: node scripts/compare-screenshots.mjs <before-dir> <after-dir>');
  process.exit(2);
}
const read = async (file) => {
  const { data, info } = await sharp(file).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data), width: info.width, height: info.height };
};
const scores = {};
for (const name of (await readdir(before)).filter((f) => f.endsWith('.png')).sort()) {
  const other = path.join(after, name);
  try {
    const { mssim } = ssim(await read(path.join(before, name)), await read(other));
    scores[name] = Number(mssim.toFixed(4));
    console.log(`${name}: SSIM ${scores[name]}`);
  } catch (error) {
    console.log(`${name}: not compared (${error.code === 'ENOENT' ? 'missing after' : error.message})`);
  }
}
const values = Object.values(scores);
console.log(
  JSON.stringify({ compared: values.length, ssimMin: values.length ? Math.min(...values) : null, scores }),
);
