// A fast, non-cryptographic 64-bit fingerprint of numeric data (two independent 32-bit MurmurHash3-style lanes over
// the bytes' 32-bit words). It tells "same data" from "different data" for checkpoints and saved models; it is not a
// defence against a forger. Written by hand because core/ cannot use node:crypto, and Web Crypto's digest is async.

function mixLane(h: number, k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, length: number): number {
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** 16 hex digits over the bytes of typed arrays and the UTF-16 code units of strings, in order. */
export function fingerprint(...parts: (ArrayBufferView | string | number)[]): string {
  let a = 0x9747b28c;
  let b = 0x2f1b9a3d;
  let length = 0;
  for (const part of parts) {
    if (typeof part === 'number') {
      const f = new Float64Array([part]);
      const w = new Uint32Array(f.buffer);
      a = mixLane(a, w[0]);
      b = mixLane(b, w[1] ^ 0x5bd1e995);
      length += 8;
    } else if (typeof part === 'string') {
      for (let i = 0; i < part.length; i++) {
        a = mixLane(a, part.charCodeAt(i));
        b = mixLane(b, part.charCodeAt(i) ^ 0x5bd1e995);
      }
      length += 2 * part.length;
    } else {
      const bytes = new Uint8Array(part.buffer, part.byteOffset, part.byteLength);
      const words = Math.floor(bytes.length / 4);
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      for (let i = 0; i < words; i++) {
        const k = view.getUint32(4 * i, true);
        a = mixLane(a, k);
        b = mixLane(b, k ^ 0x5bd1e995);
      }
      for (let i = 4 * words; i < bytes.length; i++) {
        a = mixLane(a, bytes[i]);
        b = mixLane(b, bytes[i] ^ 0x5bd1e995);
      }
      length += bytes.length;
    }
    // A separator, so that ("ab", "c") and ("a", "bc") differ.
    a = mixLane(a, 0xfeedface);
    b = mixLane(b, 0xdeadbeef);
  }
  const hex = (x: number) => x.toString(16).padStart(8, '0');
  return hex(finish(a, length)) + hex(finish(b, length));
}
