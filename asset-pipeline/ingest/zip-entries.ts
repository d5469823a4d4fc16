/**
 * Unpacks a zip upload into memory with hard caps: entry count, total inflated bytes (counted while
 * inflating, not taken from the zip's own headers, which a zip bomb lies in), and no path that leaves
 * the archive (`../`, absolute paths — yauzl refuses those itself).
 */
import yauzl from 'yauzl';
import { type AssetRejectedError, reject } from '../errors.js';
import type { IngestLimits } from './ingest-limits.js';

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5);
}

/** Files of the zip by normalized path (forward slashes, no leading `./`); directories are skipped. */
export async function readZipEntries(
  bytes: Uint8Array,
  limits: IngestLimits,
): Promise<Map<string, Uint8Array>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, rejectPromise) => {
    yauzl.fromBuffer(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      { lazyEntries: true, validateEntrySizes: true },
      (error, file) => (error ? rejectPromise(zipError(error)) : resolve(file)),
    );
  });
  const files = new Map<string, Uint8Array>();
  let total = 0;
  let count = 0;
  try {
    await new Promise<void>((resolve, rejectPromise) => {
      zip.on('error', (error: Error) => rejectPromise(zipError(error)));
      zip.on('end', () => resolve());
      zip.on('entry', (entry: yauzl.Entry) => {
        count += 1;
        if (count > limits.maxZipEntries) {
          rejectPromise(
            rejection(
              'ZIP_TOO_MANY_ENTRIES',
              `the zip has more than ${limits.maxZipEntries} files; upload only the glTF and the files it uses`,
            ),
          );
          return;
        }
        const name = entry.fileName.replace(/^\.\//, '');
        if (name.endsWith('/') || name.startsWith('__MACOSX/')) {
          zip.readEntry();
          return;
        }
        if (total + entry.uncompressedSize > limits.maxUnzippedBytes) {
          rejectPromise(bomb(limits));
          return;
        }
        zip.openReadStream(entry, (error, stream) => {
          if (error) {
            rejectPromise(zipError(error));
            return;
          }
          const chunks: Buffer[] = [];
          stream.on('data', (chunk: Buffer) => {
            total += chunk.length;
            if (total > limits.maxUnzippedBytes) {
              stream.destroy();
              rejectPromise(bomb(limits));
              return;
            }
            chunks.push(chunk);
          });
          stream.on('error', (streamError: Error) => rejectPromise(zipError(streamError)));
          stream.on('end', () => {
            files.set(name, new Uint8Array(Buffer.concat(chunks)));
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  } finally {
    zip.close();
  }
  return files;
}

function rejection(code: string, message: string): AssetRejectedError {
  try {
    reject(code, message);
  } catch (error) {
    return error as AssetRejectedError;
  }
}

function bomb(limits: IngestLimits): AssetRejectedError {
  const mb = Math.round(limits.maxUnzippedBytes / (1024 * 1024));
  return rejection(
    'ZIP_TOO_LARGE_UNPACKED',
    `the zip unpacks to more than ${mb} MB (a zip bomb, or far too large); upload only the files the glTF uses`,
  );
}

function zipError(error: Error): AssetRejectedError {
  if (/invalid relative path|absolute path/i.test(error.message)) {
    return rejection(
      'ZIP_PATH_ESCAPE',
      `the zip has a file path that leaves the archive (${error.message}); paths must stay inside it, without "../"`,
    );
  }
  return rejection('ZIP_INVALID', `the zip cannot be read (${error.message}); create it again`);
}
