/**
 * Why an upload was refused. Every problem names what was wrong and, where there is one, the fix; a
 * validator problem also carries its JSON pointer into the glTF, a budget problem the limit and the value.
 */
import { z } from 'zod';

export const assetProblemSchema = z.object({
  /** Stable machine-readable code, e.g. `EMPTY_FILE`, `ZIP_PATH_ESCAPE`, a validator code, `OVER_BUDGET`. */
  code: z.string(),
  message: z.string(),
  /** JSON pointer into the glTF document (validator problems), e.g. `/accessors/0/count`. */
  pointer: z.string().optional(),
  /** Budget problems: which limit, the allowed value and the measured one. */
  limit: z.string().optional(),
  allowed: z.number().optional(),
  measured: z.number().optional(),
});
export type AssetProblem = z.infer<typeof assetProblemSchema>;

/** The upload cannot become an asset; `problems` says why (at least one). Not a server fault. */
export class AssetRejectedError extends Error {
  override name = 'AssetRejectedError';
  readonly problems: AssetProblem[];

  constructor(problems: AssetProblem[]) {
    const first = problems[0];
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
    super(`asset-pipeline: ${first?.message ?? 'upload rejected'}${more}`);
    this.problems = problems;
  }
}

/** Shorthand for a rejection with one problem. */
export function reject(code: string, message: string, extra: Partial<AssetProblem> = {}): never {
  throw new AssetRejectedError([{ code, message, ...extra }]);
}

/**
 * The pipeline failed on a model for no reason it can name (a bug of ours, not the creator's). Users see
 * one PIPELINE_FAULT problem naming the stage and what to do; `detail` (the raw error) is for the server's
 * log and a bug report only — it never goes into a problem, a job result or an API answer.
 */
export class AssetPipelineFault extends AssetRejectedError {
  override name = 'AssetPipelineFault';
  readonly stage: string;
  readonly detail: string;

  constructor(stage: string, detail: string) {
    super([
      {
        code: 'PIPELINE_FAULT',
        message: `the asset pipeline failed while it ${stage}: a fault in metaverse-in-a-box, not a problem found in the model — report it with the file (the server's log has the details), or try exporting the model with different settings`,
      },
    ]);
    this.stage = stage;
    this.detail = detail;
  }

  /** `error` as a fault of `stage`, unless it already says why the upload was refused. */
  static of(stage: string, error: unknown): AssetRejectedError {
    if (error instanceof AssetRejectedError) return error;
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return new AssetPipelineFault(stage, detail);
  }
}
