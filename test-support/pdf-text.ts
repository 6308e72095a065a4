// The text of a PDF as Chromium (Skia) writes it, page by page, for tests that check a printed report holds the
// numbers it should: objects found by `N 0 obj ... endobj`, Flate streams inflated, each Type0 font's ToUnicode CMap
// read (bfchar and bfrange), and the hex strings of Tj/TJ in each page's content decoded with the font Tf chose.
// Written here because Debian's pdftotext is not installed on these machines and no small npm package reads CID fonts;
// it reads what Chromium writes, not every PDF.
import { inflateSync } from 'node:zlib';

interface PdfObject {
  dict: string;
  stream: Buffer | null;
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  for (const m of text.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const body = m[2];
    const at = body.search(/stream\r?\n/);
    if (at < 0) {
      out.set(Number(m[1]), { dict: body, stream: null });
      continue;
    }
    const dict = body.slice(0, at);
    const start = at + (body[at + 6] === '\r' ? 8 : 7);
    const raw = Buffer.from(body.slice(start, body.lastIndexOf('endstream')).replace(/\r?\n$/, ''), 'latin1');
    out.set(Number(m[1]), { dict, stream: dict.includes('/FlateDecode') ? inflateSync(raw) : raw });
  }
  return out;
}

const utf16 = (hex: string) => {
  let s = '';
  for (let i = 0; i + 4 <= hex.length; i += 4) s += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return s;
};

function toUnicode(cmap: string): Map<number, string> {
  const map = new Map<number, string>();
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, src, dst] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(parseInt(src, 16), utf16(dst));
  }
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, dst] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const base = parseInt(dst, 16);
      for (let c = parseInt(lo, 16); c <= parseInt(hi, 16); c++) map.set(c, String.fromCharCode(base + c - parseInt(lo, 16)));
    }
  }
  return map;
}

/** The text of each page, in page order (each Tj/TJ run on its own line). */
export function pdfText(bytes: Uint8Array): string[] {
  const objs = objects(Buffer.from(bytes));
  const cmaps = new Map<number, Map<number, string>>();
  for (const [id, o] of objs) {
    const ref = /\/Subtype\s*\/Type0[\s\S]*\/ToUnicode\s+(\d+) 0 R/.exec(o.dict);
    const cmap = ref ? objs.get(Number(ref[1]))?.stream : undefined;
    if (cmap) cmaps.set(id, toUnicode(cmap.toString('latin1')));
  }
  const pagesRoot = [...objs.values()].find((o) => /\/Type\s*\/Pages\b/.test(o.dict));
  const kids = [...(/\/Kids\s*\[([^\]]*)\]/.exec(pagesRoot?.dict ?? '')?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((k) => Number(k[1]));
  return kids.map((pageId) => {
    const page = objs.get(pageId)!.dict;
    const fonts = new Map<string, number>();
    const fontDict = /\/Font\s*<<([^>]*)>>/.exec(page)?.[1] ?? '';
    for (const [, name, id] of fontDict.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) fonts.set(name, Number(id));
    const content = objs.get(Number(/\/Contents\s+(\d+) 0 R/.exec(page)?.[1]))?.stream?.toString('latin1') ?? '';
    const lines: string[] = [];
    let cmap = new Map<number, string>();
    for (const m of content.matchAll(/\/(\w+)\s+[\d.]+\s+Tf|\[([^\]]*)\]\s*TJ|<([0-9A-Fa-f]*)>\s*Tj/g)) {
      if (m[1]) cmap = cmaps.get(fonts.get(m[1]) ?? -1) ?? new Map();
      else {
        const hex = m[2] !== undefined ? [...m[2].matchAll(/<([0-9A-Fa-f]*)>/g)].map((h) => h[1]).join('') : m[3];
        let line = '';
        for (let i = 0; i + 4 <= hex.length; i += 4) line += cmap.get(parseInt(hex.slice(i, i + 4), 16)) ?? '\uFFFD';
        lines.push(line);
      }
    }
    return lines.join('\n');
  });
}
