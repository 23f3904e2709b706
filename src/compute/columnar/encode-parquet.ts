/**
 * A batch's output as a Parquet file of its own, written on the worker that computed it by parquet-wasm
 * when it keeps input columns or asks for a codec parquet-doubles.ts does not write (else that writes it):
 * the coordinator only stitches these files' row groups into one (pipeline/parquet-stitcher.ts), so the
 * page encoding and compression run on every thread instead of one.
 *
 * What the stitcher can carry over exactly decides the writer's properties: chunk statistics (min, max,
 * null count) for the computed doubles, which read back as the same bytes; no page indexes, whose page
 * offsets would have to be moved inside their own encoding; no statistics for kept columns, whose values
 * of any type (timestamps, decimals, strings) the stitcher's metadata reader converts and would have to
 * convert back.
 */
import type { WriterProperties } from 'parquet-wasm';
import type { ParquetCompression } from '../formats.js';
import { parquetWasm } from './libraries.js';

/** The writer's properties for a job's batches (the writer takes them over, so each batch gets its own). */
function writerProperties(
  compression: ParquetCompression,
  keptNames: readonly string[],
  rows: number,
): WriterProperties {
  const pw = parquetWasm();
  const codec = {
    snappy: pw.Compression.SNAPPY,
    zstd: pw.Compression.ZSTD,
    gzip: pw.Compression.GZIP,
    brotli: pw.Compression.BROTLI,
    lz4: pw.Compression.LZ4_RAW,
    none: pw.Compression.UNCOMPRESSED,
  }[compression];
  // No dictionaries for computed doubles: they almost never repeat, and trying one costs twenty times the
  // rest of the encoding.
  let builder = new pw.WriterPropertiesBuilder()
    .setCompression(codec)
    .setMaxRowGroupSize(Math.max(1, rows))
    .setDictionaryEnabled(false)
    .setStatisticsEnabled(pw.EnabledStatistics.Chunk)
    .setCreatedBy('batch-grad');
  for (const name of keptNames) {
    builder = builder
      .setColumnDictionaryEnabled(name, true)
      .setColumnStatisticsEnabled(name, pw.EnabledStatistics.None);
  }
  return builder.build();
}

/**
 * `ipc`: the batch (`rows` rows) as one Arrow IPC stream, its columns named and typed as the output's.
 * The batch is one row group: the reader already bounds a batch (an input row group, a byte range,
 * --batch-size rows).
 */
export function parquetFileOf(
  ipc: Uint8Array,
  rows: number,
  compression: ParquetCompression,
  keptNames: readonly string[],
): Uint8Array {
  const pw = parquetWasm();
  return pw.writeParquet(pw.Table.fromIPCStream(ipc), writerProperties(compression, keptNames, rows));
}
