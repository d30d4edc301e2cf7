/**
 * Compression of large values in Redis. A value whose encoded text is at least `minBytes` long (UTF-8) is stored
 * as a zstd frame behind a two-byte marker, `\0Z`: encoded values are JSON text or `~` + JSON (codec.ts), and
 * neither ever starts with a NUL byte, so a reader tells a frame from an uncompressed value by its first byte. The
 * envelope (stored-form.ts) stays in front, in ASCII, so the expiry is read without decompressing.
 *
 * Why zstd level 1: measured on the service's own values (`npm run bench -- compression`, README "Compression"),
 * it compresses a model artifact, a 365-day forecast and the product list 2–4× faster than brotli 4 or gzip 6 at a
 * ratio within a few percent of theirs (better on the large product list), and decompresses about twice as fast
 * as brotli — the read side is what every Redis hit pays. Higher zstd levels gained nothing on these values.
 *
 * Why binary frames rather than base64 text: base64 would add a third to every compressed value (a model
 * artifact then misses the one-third goal); readers use `GET` in its Buffer form instead, which costs an
 * uncompressed value nothing measurable (the reply is converted to text once either way).
 *
 * Readers accept compressed and uncompressed values whatever their own mode, so instances can be switched (or
 * upgraded) one at a time. A frame that does not decompress, or claims more than {@link MAX_DECOMPRESSED_BYTES},
 * throws — the caller's usual "invalid cached value" path (a miss, and the value deleted).
 */
import { compress, decompress } from 'zstd-napi';
import { getFrameContentSize } from 'zstd-napi/binding';

export type CompressionMode = 'auto' | 'off';

export interface CompressionOptions {
  /** `auto`: compress values of at least `minBytes`; `off`: write every value uncompressed (reads still decompress). */
  mode: CompressionMode;
  /** Encoded values shorter than this (bytes of UTF-8) are stored as they are. */
  minBytes: number;
}

export const DEFAULT_COMPRESSION: CompressionOptions = { mode: 'auto', minBytes: 1024 };

/** What a process compressed since it started. */
export interface CompressionStats {
  mode: CompressionMode;
  minBytes: number;
  /** Values written compressed. */
  entries: number;
  /** Their encoded size (bytes of UTF-8)… */
  inputBytes: number;
  /** …and their size in Redis (frame and marker, without the envelope). */
  outputBytes: number;
}

const FRAME_MARK = 0; // NUL: never the first byte of an encoded value
const ZSTD = 90; // 'Z'
const HEADER = Buffer.from([FRAME_MARK, ZSTD]);
/** zstd level 1 (see the module comment). */
const LEVEL = 1;
/** A frame must save at least this share, or the value is stored as it is (random or already compressed data). */
const MIN_RATIO = 1.05;
/**
 * The largest value a frame may decompress to. A frame planted in Redis could claim gigabytes; the size is read
 * from the frame header before anything is allocated. Values above it are written uncompressed.
 */
export const MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export class Compression {
  private entries = 0;
  private inputBytes = 0;
  private outputBytes = 0;

  constructor(private readonly options: CompressionOptions = DEFAULT_COMPRESSION) {}

  /** The payload to store for `text`: a compressed frame when it is large and compresses, else `text` itself. */
  pack(text: string): string | Buffer {
    const o = this.options;
    // UTF-8 takes 1–3 bytes per UTF-16 unit: decide on the length alone when that settles it.
    if (o.mode === 'off' || text.length * 3 < o.minBytes) return text;
    const bytes = Buffer.from(text, 'utf8');
    if (bytes.length < o.minBytes || bytes.length > MAX_DECOMPRESSED_BYTES) return text;
    // With its checksum, a frame altered in Redis fails to decompress instead of yielding altered text.
    const frame = compress(bytes, { compressionLevel: LEVEL, checksumFlag: true });
    const stored = frame.length + HEADER.length;
    if (stored * MIN_RATIO > bytes.length) return text;
    this.entries++;
    this.inputBytes += bytes.length;
    this.outputBytes += stored;
    return Buffer.concat([HEADER, frame], stored);
  }

  stats(): CompressionStats {
    return {
      mode: this.options.mode,
      minBytes: this.options.minBytes,
      entries: this.entries,
      inputBytes: this.inputBytes,
      outputBytes: this.outputBytes,
    };
  }
}

/** Whether a stored payload is a compressed frame. */
export function isCompressed(payload: Uint8Array): boolean {
  return payload.length > 0 && payload[0] === FRAME_MARK;
}

/**
 * The encoded text of a stored payload, compressed or not. Throws on a frame that is corrupt, of an unknown codec
 * or claims more than {@link MAX_DECOMPRESSED_BYTES}.
 */
export function unpack(payload: Buffer): string {
  if (!isCompressed(payload)) return payload.toString('utf8');
  if (payload.length < 3 || payload[1] !== ZSTD) throw new TypeError('unknown compressed frame');
  const frame = payload.subarray(2);
  const size = getFrameContentSize(frame);
  if (size === null || !(size <= MAX_DECOMPRESSED_BYTES)) throw new TypeError('compressed frame without a valid size');
  return decompress(frame).toString('utf8');
}
