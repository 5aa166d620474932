import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { ArtifactMissingError, assertKey, describeBytes, isContentKey, type TArtifactStore, type TStoredObject } from './store';

export interface TS3Settings {
  bucket: string;
  /** Prepended to every key, e.g. `epoch/` to share a bucket. */
  prefix: string;
  region: string;
  /** An S3-compatible service's address (MinIO, Ceph, R2, ...); unset: AWS. */
  endpoint?: string;
  /** Path-style addresses (`endpoint/bucket/key`), which most S3-compatible services want. */
  forcePathStyle: boolean;
}

const notFound = (e: unknown) => e instanceof S3ServiceException && (e.name === 'NoSuchKey' || e.name === 'NotFound' || e.$metadata.httpStatusCode === 404);

/**
 * Artifacts in an S3 bucket (or an S3-compatible service), one object per content key. S3 writes whole objects
 * atomically (a reader sees the old state or the whole new object), so no temporary object is needed. Credentials come
 * from the AWS SDK's usual chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a web identity, an instance role).
 */
export class S3ArtifactStore implements TArtifactStore {
  readonly description: string;
  private readonly client: S3Client;

  constructor(
    private readonly settings: TS3Settings,
    client?: S3Client,
  ) {
    this.description = `s3://${settings.bucket}/${settings.prefix}`;
    this.client =
      client ??
      new S3Client({
        region: settings.region,
        ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
        forcePathStyle: settings.forcePathStyle,
        // Checksums only where S3 requires them: many S3-compatible services do not take the newer trailing ones.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
  }

  private name(key: string): string {
    assertKey(key);
    return `${this.settings.prefix}${key}`;
  }

  async put(bytes: Uint8Array): Promise<TStoredObject> {
    const object = describeBytes(bytes);
    const Key = this.name(object.key);
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.settings.bucket, Key }));
      if (head.ContentLength === object.size) return object;
    } catch (e) {
      if (!notFound(e)) throw e;
    }
    await this.client.send(
      new PutObjectCommand({ Bucket: this.settings.bucket, Key, Body: bytes, ContentLength: object.size, ContentType: 'application/octet-stream' }),
    );
    return object;
  }

  async get(key: string): Promise<Buffer> {
    try {
      const r = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.name(key) }));
      if (!r.Body) throw new ArtifactMissingError(key, this.description);
      return Buffer.from(await r.Body.transformToByteArray());
    } catch (e) {
      if (notFound(e)) throw new ArtifactMissingError(key, this.description);
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.name(key) }));
  }

  async *list(): AsyncIterable<{ key: string; size: number; modifiedAt: Date }> {
    let ContinuationToken: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.settings.bucket, Prefix: `${this.settings.prefix}sha256/`, ContinuationToken }),
      );
      for (const o of page.Contents ?? []) {
        const key = o.Key?.slice(this.settings.prefix.length) ?? '';
        if (isContentKey(key)) yield { key, size: o.Size ?? 0, modifiedAt: o.LastModified ?? new Date(0) };
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
  }

  destroy(): void {
    this.client.destroy();
  }
}
