// Typed arrays as base64 text inside JSON: a saved forest or network holds hundreds of thousands of numbers, which as
// JSON number lists would be three to four times larger and slower to parse. Hand-written because core/ has no Buffer
// and btoa() works on strings; byte order is the platform's (little-endian on every platform QNN Lab ships for).
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const LOOKUP = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET.charCodeAt(i)] = i;

function bytesToBase64(bytes: Uint8Array): string {
  const parts: string[] = [];
  const chunk: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chunk.push(ALPHABET[n >> 18] + ALPHABET[(n >> 12) & 63] + ALPHABET[(n >> 6) & 63] + ALPHABET[n & 63]);
    if (chunk.length === 4096) parts.push(chunk.splice(0).join(''));
  }
  const rest = bytes.length - i;
  if (rest === 1) chunk.push(ALPHABET[bytes[i] >> 2] + ALPHABET[(bytes[i] & 3) << 4] + '==');
  else if (rest === 2) {
    const n = (bytes[i] << 8) | bytes[i + 1];
    chunk.push(ALPHABET[n >> 10] + ALPHABET[(n >> 4) & 63] + ALPHABET[(n & 15) << 2] + '=');
  }
  parts.push(chunk.join(''));
  return parts.join('');
}

/** Decodes base64 into exactly `byteLength` bytes, or returns null when the text is not that. */
function base64ToBytes(text: string, byteLength: number): Uint8Array | null {
  if (text.length !== Math.ceil(byteLength / 3) * 4) return null;
  const out = new Uint8Array(byteLength);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const c = text.charCodeAt(i + k);
      const v = c === 61 ? 0 : c < 128 ? LOOKUP[c] : -1;
      if (v < 0) return null;
      n = (n << 6) | v;
    }
    if (o < byteLength) out[o++] = (n >> 16) & 255;
    if (o < byteLength) out[o++] = (n >> 8) & 255;
    if (o < byteLength) out[o++] = n & 255;
  }
  return out;
}

export function encodeFloat64(values: Float64Array): string {
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

export function encodeInt32(values: Int32Array): string {
  return bytesToBase64(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

/** Null when the text is not base64 of `length` doubles (a damaged file): the caller names the field. */
export function decodeFloat64(text: string, length: number): Float64Array | null {
  const bytes = base64ToBytes(text, length * 8);
  return bytes ? new Float64Array(bytes.buffer) : null;
}

export function decodeInt32(text: string, length: number): Int32Array | null {
  const bytes = base64ToBytes(text, length * 4);
  return bytes ? new Int32Array(bytes.buffer) : null;
}
