/**
 * The Khronos glTF validator over an ingested upload. Errors reject the upload with the validator's own
 * messages and JSON pointers; warnings are returned for the asset's report. Also refuses textures whose
 * headers declare more pixels than may be decoded (the validator reads image headers, never pixels).
 */
import validator, { type ValidationReport } from 'gltf-validator';
import { AssetRejectedError, type AssetProblem } from './errors.js';
import type { IngestedGltf } from './ingest/read-upload.js';

/**
 * The validator stops after this many issues (of any severity). A model with more is refused by that
 * limit: errors past it would go unseen, and an upload made of millions of issues must not cost more.
 */
export const MAX_VALIDATOR_ISSUES = 5_000;
/** At most this many validator errors are listed in a refusal (the rest are counted). */
const MAX_ERRORS_LISTED = 50;
/** At most this many warnings are kept for the asset's report (the rest are counted). */
const MAX_WARNINGS_KEPT = 200;
/**
 * Validator warnings that still make the model unusable here (the validator merely warns, since a viewer
 * may skip the part): refused, with the fix.
 */
const UNUSABLE: Record<string, string> = {
  IMAGE_UNRECOGNIZED_FORMAT:
    'the pipeline reads PNG, JPEG, WebP and KTX2 images only — re-save the image in one of those formats',
};
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
      maxIssues: MAX_VALIDATOR_ISSUES,
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
  const errors = messages.filter((message) => message.severity === 0 || UNUSABLE[message.code]);
  if (report.issues.truncated && errors.length === 0) {
    throw new AssetRejectedError([
      {
        code: 'TOO_MANY_ISSUES',
        message: `the glTF validator stopped after ${MAX_VALIDATOR_ISSUES} issues (the first: ${messages[0]?.message ?? 'none'}${messages[0]?.pointer ? ` at ${messages[0].pointer}` : ''}); fix what it reports — or re-export the model — until it has fewer`,
        limit: 'validatorIssues',
        allowed: MAX_VALIDATOR_ISSUES,
        measured: messages.length,
        ...(messages[0]?.pointer ? { pointer: messages[0].pointer } : {}),
      },
    ]);
  }
  if (errors.length > 0) {
    const problems: AssetProblem[] = errors.slice(0, MAX_ERRORS_LISTED).map((message) => ({
      code: message.code,
      message: `glTF validator: ${message.message}${message.pointer ? ` (at ${message.pointer})` : ''}; ${UNUSABLE[message.code] ?? "correct it in the source file or the exporter's settings, and export again"}`,
      ...(message.pointer ? { pointer: message.pointer } : {}),
    }));
    if (errors.length > MAX_ERRORS_LISTED)
      problems.push({
        code: 'MORE_ERRORS',
        message: `and ${errors.length - MAX_ERRORS_LISTED} more glTF validator errors like these`,
      });
    throw new AssetRejectedError(problems);
  }
  const warnings = messages
    .filter((message) => message.severity === 1 && !NOT_ABOUT_THE_ASSET.has(message.code))
    .slice(0, MAX_WARNINGS_KEPT)
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
