/**
 * Every Parquet footer the coordinator reads, read here with hyparquet (plain JavaScript, a few positioned
 * reads), so the coordinator never loads parquet-wasm (only the workers, which decode the row groups, do):
 * an input's column names and each row group's rows and bytes, and the full metadata of each batch file
 * the workers write for a Parquet output (parquet-stitcher.ts).
 */
import type { FileHandle } from 'node:fs/promises';
import { type FileMetaData, parquetMetadata, parquetMetadataAsync, parquetSchema } from 'hyparquet';
import { formatError } from '../../compute/columnar/parquet-source.js';
import { BatchGradError } from '../../errors.js';

export interface ParquetFooter {
  readonly columns: string[];
  readonly rowGroups: Array<{ readonly rows: number; readonly bytes: number }>;
}

/** The footer of the file open as `handle` (`name` for messages); the handle stays open. */
export async function parquetFooter(handle: FileHandle, name: string): Promise<ParquetFooter> {
  try {
    const { size } = await handle.stat();
    const file = {
      byteLength: size,
      async slice(start: number, end = size): Promise<ArrayBuffer> {
        const bytes = new Uint8Array(Math.max(0, end - start));
        let done = 0;
        while (done < bytes.length) {
          const { bytesRead } = await handle.read(bytes, done, bytes.length - done, start + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return bytes.buffer.slice(0, done);
      },
    };
    const metadata = await parquetMetadataAsync(file, { geoparquet: false, initialFetchSize: 1 << 16 });
    return {
      columns: parquetSchema(metadata).children.map((child) => child.element.name),
      rowGroups: metadata.row_groups.map((group) => ({
        rows: Number(group.num_rows),
        bytes: Number(group.total_compressed_size ?? group.total_byte_size),
      })),
    };
  } catch (error) {
    throw formatError(name, error);
  }
}

/**
 * A batch file's metadata, read from a copy of its footer: nothing kept for the output's footer may be a
 * view of the batch's buffer, which is handed back for reuse once its bytes are written.
 */
export function batchFileMetadata(file: Uint8Array): FileMetaData {
  try {
    const length =
      file.length >= 8 ? new DataView(file.buffer, file.byteOffset + file.length - 8, 4).getUint32(0, true) : 0;
    return parquetMetadata(file.slice(Math.max(0, file.length - 8 - length)), { geoparquet: false });
  } catch (error) {
    throw new BatchGradError(
      'WORKER_FAILED',
      `a batch of the Parquet output is not a Parquet file: ${(error as Error).message}`,
      {},
    );
  }
}
