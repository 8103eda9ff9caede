/**
 * Which kinds of file are taken as evidence, read from the bytes themselves (magic numbers, and inside a ZIP or
 * an OLE compound file the names of its parts), never from the declared `Content-Type` or the file's name: a
 * program renamed `报告.pdf` is still refused, and a PDF sent as `application/octet-stream` is still a PDF.
 */

/** A kind of file the evidence store takes. */
export interface AcceptedFileType {
  /** The media type answered and sent back on download. */
  type: string;
  /** What people call it, for messages and the README. */
  label: string;
}

const PDF: AcceptedFileType = { type: 'application/pdf', label: 'PDF' };
const PNG: AcceptedFileType = { type: 'image/png', label: 'PNG' };
const JPEG: AcceptedFileType = { type: 'image/jpeg', label: 'JPEG' };
const DOCX: AcceptedFileType = {
  type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  label: 'Word (.docx)',
};
const XLSX: AcceptedFileType = {
  type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  label: 'Excel (.xlsx)',
};
const PPTX: AcceptedFileType = {
  type: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  label: 'PowerPoint (.pptx)',
};
const OFD: AcceptedFileType = { type: 'application/ofd', label: 'OFD (GB/T 33190)' };
const ZIP: AcceptedFileType = { type: 'application/zip', label: 'ZIP' };
const DOC: AcceptedFileType = { type: 'application/msword', label: 'Word 97–2003 (.doc)' };
const XLS: AcceptedFileType = { type: 'application/vnd.ms-excel', label: 'Excel 97–2003 (.xls)' };
const PPT: AcceptedFileType = { type: 'application/vnd.ms-powerpoint', label: 'PowerPoint 97–2003 (.ppt)' };
const TEXT_UTF8: AcceptedFileType = { type: 'text/plain; charset=utf-8', label: 'text (UTF-8)' };
const TEXT_UTF16LE: AcceptedFileType = { type: 'text/plain; charset=utf-16le', label: 'text (UTF-16)' };
const TEXT_UTF16BE: AcceptedFileType = { type: 'text/plain; charset=utf-16be', label: 'text (UTF-16)' };
const TEXT_GB18030: AcceptedFileType = { type: 'text/plain; charset=gb18030', label: 'text (GB 18030)' };

/** Every kind of file taken, in the order the README lists them. */
export const ACCEPTED_FILE_TYPES: readonly AcceptedFileType[] = [
  PDF,
  OFD,
  DOCX,
  XLSX,
  PPTX,
  DOC,
  XLS,
  PPT,
  PNG,
  JPEG,
  ZIP,
  TEXT_UTF8,
  TEXT_UTF16LE,
  TEXT_UTF16BE,
  TEXT_GB18030,
];

function startsWith(bytes: Buffer, magic: readonly number[]): boolean {
  return bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);
}

/**
 * The names of a ZIP archive's entries, from its central directory; undefined when there is none to read (a
 * truncated or ZIP64 archive).
 */
function zipEntryNames(bytes: Buffer): string[] | undefined {
  const EOCD = 0x06054b50;
  const CENTRAL = 0x02014b50;
  // The end-of-central-directory record is the last 22 bytes plus a comment of at most 65,535.
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) !== EOCD) continue;
    const count = bytes.readUInt16LE(at + 10);
    let p = bytes.readUInt32LE(at + 16);
    const names: string[] = [];
    for (let n = 0; n < count; n++) {
      if (p + 46 > bytes.length || bytes.readUInt32LE(p) !== CENTRAL) return undefined;
      const nameLength = bytes.readUInt16LE(p + 28);
      const extra = bytes.readUInt16LE(p + 30);
      const comment = bytes.readUInt16LE(p + 32);
      if (p + 46 + nameLength > bytes.length) return undefined;
      names.push(bytes.toString('utf8', p + 46, p + 46 + nameLength));
      p += 46 + nameLength + extra + comment;
    }
    return names;
  }
  return undefined;
}

function zipKind(bytes: Buffer): AcceptedFileType | undefined {
  const names = zipEntryNames(bytes);
  if (!names) return undefined;
  // OFD (GB/T 33190): the package's entry point is OFD.xml at its root.
  if (names.includes('OFD.xml')) return OFD;
  // Office Open XML: a [Content_Types].xml and the main part's folder.
  if (names.includes('[Content_Types].xml')) {
    if (names.some((n) => n.startsWith('word/'))) return DOCX;
    if (names.some((n) => n.startsWith('xl/'))) return XLSX;
    if (names.some((n) => n.startsWith('ppt/'))) return PPTX;
  }
  return ZIP;
}

/**
 * The names of the streams in an OLE compound file's directory (MS-CFB), following the directory's sector
 * chain through the FAT sectors the header lists; what cannot be read is left out.
 */
function oleStreamNames(bytes: Buffer): string[] {
  if (bytes.length < 512) return [];
  const shift = bytes.readUInt16LE(0x1e);
  if (shift !== 9 && shift !== 12) return [];
  const sectorSize = 1 << shift;
  const offsetOf = (sector: number) => (sector + 1) * sectorSize;
  const perFatSector = sectorSize / 4;
  const next = (sector: number): number | undefined => {
    const index = Math.floor(sector / perFatSector);
    if (index >= 109) return undefined; // past the header's DIFAT: not needed for the first directory sectors
    const fatSector = bytes.readUInt32LE(0x4c + index * 4);
    const at = offsetOf(fatSector) + (sector % perFatSector) * 4;
    return at + 4 <= bytes.length ? bytes.readUInt32LE(at) : undefined;
  };
  const names: string[] = [];
  const seen = new Set<number>();
  for (let sector: number | undefined = bytes.readUInt32LE(0x30); sector !== undefined && sector < 0xfffffffa;) {
    if (seen.has(sector) || seen.size > 4096) break;
    seen.add(sector);
    const start = offsetOf(sector);
    for (let entry = start; entry + 128 <= Math.min(start + sectorSize, bytes.length); entry += 128) {
      const length = bytes.readUInt16LE(entry + 0x40); // bytes, with the terminating NUL
      if (length >= 2 && length <= 64) names.push(bytes.toString('utf16le', entry, entry + length - 2));
    }
    sector = next(sector);
  }
  return names;
}

function oleKind(bytes: Buffer): AcceptedFileType | undefined {
  const names = oleStreamNames(bytes);
  if (names.includes('WordDocument')) return DOC;
  if (names.includes('Workbook') || names.includes('Book')) return XLS;
  if (names.includes('PowerPoint Document')) return PPT;
  return undefined;
}

/** Control characters no text file holds (tab, line feed, vertical tab, form feed and carriage return may). */
const CONTROL = /[\u0000-\u0008\u000e-\u001f\u007f]/;

function decodesAsText(bytes: Buffer, encoding: string): boolean {
  try {
    const text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
    return !CONTROL.test(text);
  } catch {
    return false;
  }
}

function textKind(bytes: Buffer): AcceptedFileType | undefined {
  if (startsWith(bytes, [0xff, 0xfe])) return decodesAsText(bytes.subarray(2), 'utf-16le') ? TEXT_UTF16LE : undefined;
  if (startsWith(bytes, [0xfe, 0xff])) return decodesAsText(bytes.subarray(2), 'utf-16be') ? TEXT_UTF16BE : undefined;
  // A NUL byte is in no UTF-8 or GB 18030 text: most binary files stop here.
  if (bytes.includes(0)) return undefined;
  if (decodesAsText(bytes, 'utf-8')) return TEXT_UTF8;
  // Text saved by Chinese Windows editors is often GBK, of which GB 18030 is a superset.
  if (decodesAsText(bytes, 'gb18030')) return TEXT_GB18030;
  return undefined;
}

/**
 * The kind of file `bytes` are, or undefined when it is none the store takes (a program, an image of
 * another format, a binary of unknown format). Never throws, whatever the bytes.
 */
export function detectFileType(bytes: Buffer): AcceptedFileType | undefined {
  if (bytes.length === 0) return undefined;
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d])) return PDF; // %PDF-
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return PNG;
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return JPEG;
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    return zipKind(bytes);
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) return oleKind(bytes);
  return textKind(bytes);
}
