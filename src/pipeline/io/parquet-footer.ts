/**
 * What a Parquet file's footer says the coordinator needs: its top-level column names and each row
 * group's rows and bytes. Read with hyparquet (plain JavaScript, a few positioned reads), so the
 * coordinator never loads parquet-wasm: only the workers, which read the row groups, do.
 */
import type { FileHandle } from 'node:fs/promises';
import { parquetMetadataAsync, parquetSchema } from 'hyparquet';
import { formatError } from '../../compute/columnar/parquet-source.js';

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
      rowGroups: metadata.row_groups.map((group) => ({ rows: Number(group.num_rows), bytes: Number(group.total_compressed_size ?? group.total_byte_size) })),
    };
  } catch (error) {
    throw formatError(name, error);
  }
}
