/**
 * The backup bucket's layout:
 *   <prefix>assets/<sha-256>               every asset blob, stored once for all backups (content-addressed)
 *   <prefix>backups/<name>/database.dump   pg_dump's custom format
 *   <prefix>backups/<name>/manifest.json   written last: a backup without it is incomplete and never used
 * `<name>` is the backup's UTC time, e.g. 2026-12-06T03-00-00Z, so names sort by age.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { S3AssetStore, type AssetStore } from '../../asset-pipeline/index.js';
import type { BackupTarget } from './backup-config.js';

/** What a finished backup holds; the manifest's JSON. */
export interface BackupManifest {
  format: 1;
  name: string;
  createdAt: string;
  /** The schema the dump holds (restored under the same name). */
  schema: string;
  database: { file: 'database.dump'; bytes: number; sha256: string };
  /** Every asset blob the database referenced, by sha-256 (under <prefix>assets/). */
  assets: string[];
}

export class BackupBucket {
  private readonly client: S3Client;
  /** The asset blobs of every backup. */
  readonly assets: AssetStore;

  constructor(private readonly target: BackupTarget) {
    this.client = new S3Client({
      region: target.region,
      // Streamed uploads (the dump) then go as plain bodies, not aws-chunked with a trailing checksum,
      // which several S3-compatible services store verbatim; the manifest's sha-256 checks the bytes.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      ...(target.endpoint ? { endpoint: target.endpoint, forcePathStyle: true } : {}),
      ...(target.credentials ? { credentials: target.credentials } : {}),
    });
    this.assets = new S3AssetStore({ ...target, prefix: `${target.prefix}assets/` });
  }

  get description(): string {
    return `s3://${this.target.bucket}/${this.target.prefix}`;
  }

  /** Fails naming the bucket and the fix when it cannot be reached. */
  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.target.bucket }));
    } catch (error) {
      throw new Error(
        `backup: the bucket ${this.description} cannot be reached (${(error as Error).name}): check BACKUP_S3_URL, BACKUP_S3_ENDPOINT and the credentials, and that the bucket exists`,
        { cause: error },
      );
    }
  }

  private key(name: string, file: string): string {
    return `${this.target.prefix}backups/${name}/${file}`;
  }

  async uploadFile(name: string, file: string, from: string): Promise<void> {
    const { size } = await stat(from);
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.target.bucket,
        Key: this.key(name, file),
        Body: createReadStream(from),
        ContentLength: size,
      }),
    );
  }

  async downloadFile(name: string, file: string, to: string): Promise<void> {
    const object = await this.client.send(
      new GetObjectCommand({ Bucket: this.target.bucket, Key: this.key(name, file) }),
    );
    if (!(object.Body instanceof Readable)) throw new Error(`backup: ${name}/${file} has no body`);
    await pipeline(object.Body, createWriteStream(to));
  }

  async writeManifest(manifest: BackupManifest): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.target.bucket,
        Key: this.key(manifest.name, 'manifest.json'),
        Body: JSON.stringify(manifest, null, 2),
        ContentType: 'application/json',
      }),
    );
  }

  /** The manifest of a finished backup, or undefined when there is none by that name. */
  async readManifest(name: string): Promise<BackupManifest | undefined> {
    try {
      const object = await this.client.send(
        new GetObjectCommand({ Bucket: this.target.bucket, Key: this.key(name, 'manifest.json') }),
      );
      return JSON.parse(await object.Body!.transformToString()) as BackupManifest;
    } catch (error) {
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw error;
    }
  }

  /** Names of the finished backups (those with a manifest), oldest first. */
  async list(): Promise<string[]> {
    const names: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.target.bucket,
          Prefix: `${this.target.prefix}backups/`,
          ...(token ? { ContinuationToken: token } : {}),
        }),
      );
      for (const object of page.Contents ?? []) {
        const match = /backups\/([^/]+)\/manifest\.json$/.exec(object.Key ?? '');
        if (match) names.push(match[1]!);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return names.sort();
  }
}
