// A file's bytes as the text kubectl reads: Go's YAML reader (libyaml's) takes UTF-16 by its byte-order mark, else UTF-8.

/**
 * The text of a file's bytes: UTF-16 LE or BE when they start with its byte-order mark, UTF-8 otherwise. The mark
 * itself is dropped, as an editor drops it, so that line and column count what the editor shows.
 */
export function textOfBytes(bytes: Uint8Array): string {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  // TextDecoder drops the mark of the encoding it decodes (ignoreBOM: false) and never throws (fatal: false).
  return new TextDecoder(encoding).decode(bytes);
}
