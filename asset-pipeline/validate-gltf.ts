/**
 * The Khronos glTF validator over an ingested upload. Errors reject the upload with the validator's own
 * messages and JSON pointers; warnings are returned for the asset's report. Also refuses textures whose
 * headers declare more pixels than may be decoded (the validator reads image headers, never pixels).
 */
import validator, { type ValidationReport } from 'gltf-validator';
import { AssetRejectedError, type AssetProblem } from './errors.js';
import type { IngestedGltf } from './ingest/read-upload.js';

/** At most this many validator messages are kept (the rest are counted). */
const MAX_ISSUES = 200;
/** Validator codes that are about what it cannot check, not about the asset. */
const NOT_ABOUT_THE_ASSET = new Set(['UNSUPPORTED_EXTENSION']);

export interface ValidationSummary {
  warnings: AssetProblem[];
  /** Warnings beyond those kept. */
  moreWarnings: number;
  validatorVersion: string;
}

export async function validateGltf(upload: IngestedGltf, maxImagePixels: number): Promise<ValidationSummary> {
  let report: ValidationReport;
  try {
    report = await validator.validateBytes(upload.main, {
      format: upload.format,
      maxIssues: MAX_ISSUES,
      writeTimestamp: false,
      externalResourceFunction: (uri) => {
        const file = upload.resources.get(uri);
        // resolveResources already refused anything not in the upload; this is the same check, kept local.
        return file ? Promise.resolve(file) : Promise.reject(new Error(`"${uri}" is not in the upload`));
      },
    });
  } catch (error) {
    throw new AssetRejectedError([
      {
        code: 'UNREADABLE',
        message: `the glTF validator could not read the upload (${String(error)}); re-export the model`,
      },
    ]);
  }
  // Pixel bombs first: they are the reason to stop, whatever else is wrong.
  const bombs: AssetProblem[] = [];
  for (const resource of report.info?.resources ?? []) {
    const image = resource.image;
    if (image && image.width * image.height > maxImagePixels) {
      bombs.push({
        code: 'TEXTURE_TOO_MANY_PIXELS',
        message: `texture ${resource.pointer} is ${image.width}×${image.height} px, more than the ${maxImagePixels} px that may be decoded; resize it (2048 px per side is plenty for the web)`,
        pointer: resource.pointer,
        allowed: maxImagePixels,
        measured: image.width * image.height,
      });
    }
  }
  if (bombs.length > 0) throw new AssetRejectedError(bombs);
  const messages = report.issues.messages;
  const errors = messages.filter((message) => message.severity === 0);
  if (errors.length > 0) {
    throw new AssetRejectedError(
      errors.map((message) => ({
        code: message.code,
        message: `glTF validator: ${message.message}${message.pointer ? ` (at ${message.pointer})` : ''}`,
        ...(message.pointer ? { pointer: message.pointer } : {}),
      })),
    );
  }
  const warnings = messages
    .filter((message) => message.severity === 1 && !NOT_ABOUT_THE_ASSET.has(message.code))
    .map((message) => ({
      code: message.code,
      message: message.message,
      ...(message.pointer ? { pointer: message.pointer } : {}),
    }));
  return {
    warnings,
    moreWarnings: Math.max(0, report.issues.numWarnings - warnings.length),
    validatorVersion: validator.version(),
  };
}
