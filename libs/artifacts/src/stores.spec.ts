import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArtifactStore } from './config';
import { FsArtifactStore } from './fs-store';
import { S3ArtifactStore } from './s3-store';
import { ArtifactMissingError, describeBytes, isContentKey, type TArtifactStore } from './store';

const bytes = (text: string) => new Uint8Array(Buffer.from(text));
const collect = async (store: TArtifactStore) => {
  const out: string[] = [];
  for await (const o of store.list()) {
    expect(o.modifiedAt.getTime()).toBeGreaterThan(Date.now() - 600_000);
    out.push(o.key);
  }
  return out.sort();
};

/** The same contract for every store: content-addressed, idempotent, missing objects named, keys never paths. */
function contract(name: string, make: () => TArtifactStore) {
  describe(`${name}: the artifact store contract`, () => {
    it('stores bytes under their SHA-256 and gives them back', async () => {
      const store = make();
      const weights = new Uint8Array(300_000).map((_, i) => (i * 7) % 251);
      const put = await store.put(weights);
      expect(put).toEqual(describeBytes(weights));
      expect(put.key).toBe(`sha256/${put.sha256.slice(0, 2)}/${put.sha256}`);
      expect(put.size).toBe(300_000);
      expect(Buffer.compare(await store.get(put.key), Buffer.from(weights))).toBe(0);
    });

    it('stores the same content once, however often and however concurrently it is put', async () => {
      const store = make();
      const before = await collect(store);
      const puts = await Promise.all(Array.from({ length: 5 }, () => store.put(bytes('same plot'))));
      expect(new Set(puts.map((p) => p.key)).size).toBe(1);
      expect((await collect(store)).filter((k) => !before.includes(k))).toEqual([puts[0]!.key]);
    });

    it('names a missing object, and deletes (twice) without complaint', async () => {
      const store = make();
      const { key } = await store.put(bytes('to be deleted'));
      await store.delete(key);
      await store.delete(key);
      await expect(store.get(key)).rejects.toBeInstanceOf(ArtifactMissingError);
      await expect(store.get(key)).rejects.toThrow(`artifact ${key} is missing from ${store.description}`);
      expect(await collect(store)).not.toContain(key);
    });

    it('refuses anything that is not one of its keys (no path or object name from outside)', async () => {
      const store = make();
      for (const bad of ['../../etc/passwd', 'sha256/ab/../../x', `sha256/zz/${'a'.repeat(64)}`, `sha256/ab/${'c'.repeat(64)}`]) {
        expect(isContentKey(bad)).toBe(false);
        await expect(store.get(bad)).rejects.toThrow(/not an artifact key/);
      }
    });
  });
}

describe('artifact stores', () => {
  const dir = mkdtempSync(join(tmpdir(), 'epoch-artifacts-'));
  let s3: S3rver;
  let endpoint = '';

  beforeAll(async () => {
    // A real S3-compatible server (s3rver: the S3 REST protocol with signature checks, on loopback), not a stub.
    s3 = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory: join(dir, 's3'), configureBuckets: [{ name: 'epoch-artifacts' }] });
    const { port } = await s3.run();
    endpoint = `http://127.0.0.1:${port}`;
    process.env['AWS_ACCESS_KEY_ID'] = 'S3RVER';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'S3RVER';
  });
  afterAll(async () => {
    await s3?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  contract('filesystem', () => new FsArtifactStore(join(dir, 'fs')));
  contract('S3', () => new S3ArtifactStore({ bucket: 'epoch-artifacts', prefix: 'epoch/', region: 'us-east-1', endpoint, forcePathStyle: true }));

  it('filesystem: writes through a temporary file renamed into place, leaving none behind', async () => {
    const store = new FsArtifactStore(join(dir, 'atomic'));
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.put(bytes(`plot ${i % 3}`))));
    expect(readdirSync(join(dir, 'atomic', 'tmp'))).toEqual([]);
    expect(await collect(store)).toHaveLength(3);
  });

  it('is chosen by the configuration: a folder under the data folder by default, S3 only with a bucket', () => {
    const base = { EPOCH_S3_REGION: 'us-east-1', EPOCH_S3_PREFIX: '', EPOCH_S3_FORCE_PATH_STYLE: false } as const;
    expect(createArtifactStore({ ...base, EPOCH_ARTIFACT_STORE: 'fs' }, '/srv/epoch').description).toBe('/srv/epoch/artifacts');
    expect(createArtifactStore({ ...base, EPOCH_ARTIFACT_STORE: 'fs', EPOCH_ARTIFACT_DIR: '/mnt/a' }, '/srv/epoch').description).toBe('/mnt/a');
    expect(() => createArtifactStore({ ...base, EPOCH_ARTIFACT_STORE: 's3' }, '/srv')).toThrow('EPOCH_S3_BUCKET: required when EPOCH_ARTIFACT_STORE=s3');
    expect(createArtifactStore({ ...base, EPOCH_ARTIFACT_STORE: 's3', EPOCH_S3_BUCKET: 'my-bucket', EPOCH_S3_PREFIX: 'e/' }, '/srv').description).toBe(
      's3://my-bucket/e/',
    );
  });
});
