/**
 * AssetStore on an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, …): objects `<prefix><hash>`.
 * An S3 PUT is atomic — the object appears only once fully uploaded — so no partial blob is ever visible.
 */
import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { assertHash, type AssetStore } from './asset-store.js';

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, e.g. `assets/`. */
  prefix: string;
  region: string;
  /** Set for S3-compatible services (MinIO, R2…); path-style addressing is used then. */
  endpoint?: string;
  /** Absent → the SDK's default credential chain (environment, instance role…). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export class S3AssetStore implements AssetStore {
  readonly description: string;
  private readonly client: S3Client;

  constructor(private readonly options: S3StoreOptions) {
    this.client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint, forcePathStyle: true } : {}),
      ...(options.credentials ? { credentials: options.credentials } : {}),
    });
    this.description = `S3 bucket ${options.bucket}${options.endpoint ? ` at ${options.endpoint}` : ''}`;
  }

  private key(hash: string): string {
    assertHash(hash);
    return `${this.options.prefix}${hash}`;
  }

  /** Fails with the bucket's name and the fix when it cannot be reached (used by readiness). */
  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.options.bucket }));
    } catch (error) {
      throw new Error(
        `asset store: bucket "${this.options.bucket}" cannot be reached (${(error as Error).name}); check ASSET_S3_* settings`,
        { cause: error },
      );
    }
  }

  async put(hash: string, bytes: Uint8Array): Promise<void> {
    if (await this.has(hash)) return;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.key(hash),
        Body: bytes,
        ContentLength: bytes.length,
      }),
    );
  }

  async has(hash: string): Promise<boolean> {
    return (await this.size(hash)) !== undefined;
  }

  async size(hash: string): Promise<number | undefined> {
    try {
      const head = await this.client.send(
        new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(hash) }),
      );
      return head.ContentLength;
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  async read(
    hash: string,
    range?: { start: number; end: number },
  ): Promise<NodeJS.ReadableStream | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(hash),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
      );
      return object.Body instanceof Readable ? object.Body : undefined;
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw error;
    }
  }
}
