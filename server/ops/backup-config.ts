/**
 * Where backups go: an S3-compatible bucket (and a key prefix in it), from BACKUP_S3_* settings. Parsed
 * once by the ops command; errors name the variable and the fix.
 */
import { z } from 'zod';

export interface BackupTarget {
  bucket: string;
  /** Key prefix, '' or ending in '/', e.g. `mib/`. */
  prefix: string;
  region: string;
  /** Set for S3-compatible services (MinIO, R2, Storj…): path-style addressing is used then. */
  endpoint?: string;
  /** Absent → the SDK's default credential chain (environment, instance role…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

const schema = z
  .object({
    BACKUP_S3_URL: z
      .string({ message: 'is required: the bucket and prefix backups go to, e.g. s3://mib-backups/nightly/' })
      .regex(
        /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9!_.*'()/-]*)?$/,
        'must be s3://<bucket>/<optional prefix>, e.g. s3://mib-backups/nightly/',
      ),
    BACKUP_S3_ENDPOINT: z
      .url({
        message:
          'must be the S3 endpoint URL, e.g. https://s3.eu-central-1.amazonaws.com or http://minio:9000',
      })
      .optional()
      .or(z.literal('').transform(() => undefined)),
    BACKUP_S3_REGION: z.string().min(1).default('us-east-1'),
    BACKUP_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
    BACKUP_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  })
  .refine((env) => !env.BACKUP_S3_ACCESS_KEY_ID === !env.BACKUP_S3_SECRET_ACCESS_KEY, {
    path: ['BACKUP_S3_SECRET_ACCESS_KEY'],
    message:
      'set both BACKUP_S3_ACCESS_KEY_ID and BACKUP_S3_SECRET_ACCESS_KEY, or neither (the SDK default chain)',
  });

/** Reads the BACKUP_S3_* settings; throws one message listing every problem. */
export function parseBackupTarget(env: Record<string, string | undefined>): BackupTarget {
  const result = schema.safeParse(env);
  if (!result.success)
    throw new Error(
      `backup settings: ${result.error.issues.map((issue) => `${issue.path.join('.')} ${issue.message}`).join('; ')}`,
    );
  const value = result.data;
  const [bucket, ...rest] = value.BACKUP_S3_URL.slice('s3://'.length).split('/');
  const joined = rest.filter(Boolean).join('/');
  return {
    bucket: bucket!,
    prefix: joined ? `${joined}/` : '',
    region: value.BACKUP_S3_REGION,
    ...(value.BACKUP_S3_ENDPOINT ? { endpoint: value.BACKUP_S3_ENDPOINT } : {}),
    ...(value.BACKUP_S3_ACCESS_KEY_ID && value.BACKUP_S3_SECRET_ACCESS_KEY
      ? {
          credentials: {
            accessKeyId: value.BACKUP_S3_ACCESS_KEY_ID,
            secretAccessKey: value.BACKUP_S3_SECRET_ACCESS_KEY,
          },
        }
      : {}),
  };
}
