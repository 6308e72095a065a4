// Browser file helpers: read a chosen file's bytes with progress (core/data/decode.ts turns them into text, by the
// same rule as the CLI), and save text through a Blob link.

/** Reads a File's bytes, reporting the fraction read. Rejects with a readable message. */
export function readFileBytes(file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    reader.onload = () => {
      onProgress(1);
      resolve(reader.result instanceof ArrayBuffer ? new Uint8Array(reader.result) : new Uint8Array(0));
    };
    reader.onerror = () =>
      reject(new Error(`Cannot read "${file.name}": ${reader.error?.message ?? 'unknown error'}. Check that the file still exists and is readable.`));
    reader.onabort = () => reject(new DOMException('Reading was cancelled.', 'AbortError'));
    signal?.addEventListener('abort', () => reader.abort(), { once: true });
    reader.readAsArrayBuffer(file);
  });
}

/** Offers text (or bytes) as a download (in Electron, the host shows a save dialog for it). */
export function downloadText(fileName: string, content: string | Uint8Array<ArrayBuffer>, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Splits the "extra missing-value tokens" field: comma-separated, trimmed, no empties, no duplicates. */
export function parseTokens(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const t = part.trim();
    if (t) seen.add(t);
  }
  return [...seen];
}
