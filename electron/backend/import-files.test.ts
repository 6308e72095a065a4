import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { useTempDir } from '../../test-support/files.ts';
import { readImportChunks, sourceFile, UPLOAD_MAX_AGE_MS, UploadStore } from './import-files.ts';

const tmp = useTempDir('qnnlab-uploads-');

async function* chunksOf(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

describe('UploadStore', () => {
  it('keeps an upload whole under its id, beside the database, and deletes it on request', async () => {
    const store = UploadStore.besideDatabase(tmp.file('lab.db'));
    expect(store.dir).toBe(tmp.file('lab.db-uploads'));
    const { uploadId, bytes } = await store.receive(chunksOf('a,b\n', '1,2\n'), 100);
    expect(bytes).toBe(8);
    expect(readFileSync(store.file(uploadId), 'utf8')).toBe('a,b\n1,2\n');
    await store.remove(uploadId);
    await store.remove(uploadId); // gone already: nothing to do
    expect(readdirSync(store.dir)).toEqual([]);
  });

  it('refuses to go past the limit and leaves no partial file (nor on any other failure of the body)', async () => {
    const store = new UploadStore(tmp.file('up'));
    await expect(store.receive(chunksOf('12345', '67890', 'x'), 10, '"big.csv"')).rejects.toMatchObject({
      code: 'TOO_LARGE',
      message: expect.stringMatching(/^"big\.csv" is larger than/),
      allowed: 'at most 10 bytes',
    });
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('a,b\n');
      throw new Error('the connection dropped');
    }
    await expect(store.receive(broken(), 100)).rejects.toThrow('the connection dropped');
    expect(readdirSync(store.dir)).toEqual([]);
  });

  it('never takes an id for a path', () => {
    const store = new UploadStore(tmp.file('up'));
    for (const id of ['../lab.db', '123-../../../../etc/passwd', `${process.pid}-short`, '/etc/passwd', '']) {
      expect(() => store.file(id)).toThrow(expect.objectContaining({ code: 'VALIDATION', field: 'source.uploadId' }));
    }
  });

  it("sweeps uploads whose process is gone or that are older than a day, not a live process's", () => {
    const now = Date.now();
    const alive = new Set([111, 222]);
    const store = new UploadStore(tmp.file('up'), { isAlive: (pid) => alive.has(pid), now: () => now });
    const id = (pid: number) => `${pid}-${'a'.repeat(22)}`;
    mkdirSync(store.dir);
    for (const name of [id(111), `${id(111)}.part`, id(333), `${id(333)}.part`, id(222), 'stray-file']) writeFileSync(`${store.dir}/${name}`, 'x');
    const dayOld = (now - UPLOAD_MAX_AGE_MS - 1000) / 1000;
    utimesSync(`${store.dir}/${id(222)}`, dayOld, dayOld);
    expect(store.sweep().sort()).toEqual([id(222), id(333), `${id(333)}.part`, 'stray-file'].sort());
    expect(readdirSync(store.dir).sort()).toEqual([id(111), `${id(111)}.part`]);
    expect(new UploadStore(tmp.file('none')).sweep()).toEqual([]);
  });
});

describe('import sources', () => {
  it('reads an upload on any host, a local path only where the host allows paths', () => {
    const store = new UploadStore(tmp.file('up'));
    const uploadId = `${process.pid}-${'b'.repeat(22)}`;
    expect(sourceFile({ uploadId }, store, false)).toEqual({ path: store.file(uploadId), uploadId });
    expect(sourceFile({ path: '/data/x.csv' }, store, true)).toEqual({ path: '/data/x.csv', uploadId: null });
    expect(() => sourceFile({ path: '/etc/passwd' }, store, false)).toThrow(expect.objectContaining({ code: 'FORBIDDEN', field: 'source.path' }));
  });

  it('reads a file in chunks of at most the chunk size, every byte once', async () => {
    const file = tmp.file('data.csv');
    const text = 'a,b\n' + '1,2\n'.repeat(1000);
    writeFileSync(file, text);
    const chunks: Uint8Array[] = [];
    for await (const c of readImportChunks(file, { limit: text.length, chunkBytes: 1000 })) chunks.push(c);
    expect(chunks.map((c) => c.length)).toEqual([1000, 1000, 1000, 1000, 4]);
    expect(Buffer.concat(chunks).toString()).toBe(text);
    expect(existsSync(file)).toBe(true);
    const missing = readImportChunks(tmp.file('nope.csv'), { limit: 10, field: 'source.path' });
    await expect(missing.next()).rejects.toMatchObject({ code: 'VALIDATION', field: 'source.path' });
  });
});
