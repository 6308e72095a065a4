// Bytes of an imported file -> text, with one rule for every host (the renderer and the CLI both call it): valid
// UTF-8 (with or without a byte-order mark) and UTF-16 with a byte-order mark are read as they are; anything else is
// given to a character-set detector (chardet, pure JavaScript, works in Node and browsers) and decoded strictly with
// TextDecoder, the WHATWG decoder built into Node and Chromium. `encoding` names a WHATWG label to skip detection.
import chardet from 'chardet';
import { InvalidInputError } from '../errors.ts';
import { DataImportError } from './errors.ts';

/** The encoding field's default: detect it. */
export const DETECT_ENCODING = 'detect';

/** Suggestions for the import form and the CLI help; TextDecoder accepts every WHATWG label, not only these. */
export const COMMON_ENCODINGS: readonly string[] = [
  'utf-8',
  'windows-1252',
  'iso-8859-15',
  'iso-8859-2',
  'windows-1250',
  'windows-1251',
  'koi8-r',
  'iso-8859-7',
  'windows-1253',
  'windows-1254',
  'iso-8859-8',
  'windows-1256',
  'shift_jis',
  'euc-jp',
  'gb18030',
  'big5',
  'euc-kr',
  'utf-16le',
  'utf-16be',
];

export interface DecodedText {
  text: string;
  /** The encoding's canonical WHATWG name (e.g. 'windows-1252' for 'latin1' or 'ISO-8859-1'). */
  encoding: string;
  /** True when the detector chose the encoding (the import then warns, naming it). */
  detected: boolean;
}

/** Bytes of the file the detector looks at: enough for its statistics, cheap on a 256 MB file. */
const DETECT_SAMPLE_BYTES = 256 * 1024;

/** The canonical name of an encoding label, or VALIDATION naming the field `encoding`. */
export function normalizeEncoding(label: string): string {
  const wanted = label.trim();
  try {
    return new TextDecoder(wanted).encoding;
  } catch {
    throw new InvalidInputError(
      `Unknown encoding "${wanted}". Give an encoding name such as ${COMMON_ENCODINGS.slice(0, 6).join(', ')} (any WHATWG encoding label), or "${DETECT_ENCODING}" to detect it.`,
      { field: 'encoding', value: label, allowed: `"${DETECT_ENCODING}" or a WHATWG encoding label, e.g. ${COMMON_ENCODINGS.slice(0, 4).join(', ')}` },
    );
  }
}

/** Decodes a whole file; `encoding` is DETECT_ENCODING (default) or a label. Throws CSV_INVALID for bytes the encoding cannot hold. */
export function decodeBytes(bytes: Uint8Array, encoding: string = DETECT_ENCODING): DecodedText {
  if (encoding.trim().toLowerCase() !== DETECT_ENCODING) {
    const name = normalizeEncoding(encoding);
    return { text: strict(bytes, name), encoding: name, detected: false };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: strict(bytes, 'utf-16le'), encoding: 'utf-16le', detected: false };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: strict(bytes, 'utf-16be'), encoding: 'utf-16be', detected: false };
  const utf8 = tryDecode(bytes, 'utf-8');
  if (utf8 !== null) return { text: utf8, encoding: 'utf-8', detected: false };
  const body = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  // NUL bytes: a binary file (or UTF-16 without a byte-order mark). Windows-1252 maps every byte to one character,
  // so the CSV parser sees the NULs and refuses the file as binary, naming the line.
  if (body.subarray(0, DETECT_SAMPLE_BYTES).includes(0))
    return { text: new TextDecoder('windows-1252').decode(body), encoding: 'windows-1252', detected: true };
  for (const name of candidates(body)) {
    const text = tryDecode(body, name);
    if (text !== null) return { text, encoding: name, detected: true };
  }
  // Windows-1252 decodes any byte sequence: the most common non-UTF-8 encoding of CSV files from spreadsheets.
  return { text: new TextDecoder('windows-1252').decode(body), encoding: 'windows-1252', detected: true };
}

/** The warning an import carries when the encoding was detected, or null. */
export function encodingWarning(decoded: Pick<DecodedText, 'encoding' | 'detected'>): string | null {
  if (!decoded.detected) return null;
  return (
    `The file is not UTF-8 text; it was read as ${decoded.encoding} (detected). If names or categories look wrong, ` +
    'import it again choosing its encoding, or save it as UTF-8.'
  );
}

/** The detector's guesses, best first, as canonical names TextDecoder supports (Unicode ones need a byte-order mark). */
function candidates(bytes: Uint8Array): string[] {
  // Start the sample a little before the first non-ASCII byte: the detector needs the bytes that tell encodings apart.
  let first = 0;
  while (first < bytes.length && bytes[first] < 0x80) first++;
  const start = Math.max(0, first - 1024);
  const sample = bytes.subarray(start, start + DETECT_SAMPLE_BYTES);
  const names: string[] = [];
  for (const match of chardet.analyse(sample)) {
    let name: string;
    try {
      name = new TextDecoder(match.name).encoding;
    } catch {
      continue; // e.g. UTF-32, which TextDecoder lacks
    }
    if (name.startsWith('utf-') || names.includes(name)) continue;
    names.push(name);
  }
  return names;
}

function tryDecode(bytes: Uint8Array, encoding: string): string | null {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function strict(bytes: Uint8Array, encoding: string): string {
  const text = tryDecode(bytes, encoding);
  if (text === null) {
    throw new DataImportError(
      `The file is not valid ${encoding} text: some bytes cannot be decoded. Choose its encoding (or "${DETECT_ENCODING}"), or save it as UTF-8.`,
    );
  }
  return text;
}
