// `qemu-img commit`: write an overlay's data into its backing file, then empty the overlay.

import { DiskError } from "../errors.ts";
import { openImage, resolveBackingPath } from "../open.ts";
import { Qcow2Image } from "../qcow2/image.ts";

/** Options for {@link commitImage}. */
export interface CommitOptions {
  /** Format name as qemu-img prints it. */
  format?: string;
  /** Keep the overlay's data after committing (`-d`). */
  keepTop?: boolean;
}

const CHUNK = 4 << 20;

/**
 * `qemu-img commit [-d] PATH`: returns qemu-img's "Image committed.\n".
 *
 * @example
 * ```ts
 * import { commitImage } from "./commit.ts";
 * await commitImage("overlay.qcow2").catch(() => {});
 * ```
 */
export async function commitImage(path: string, opts: CommitOptions = {}): Promise<string> {
  const top = await openImage(path, { format: opts.format, backing: false });
  try {
    if (!(top instanceof Qcow2Image) || top.header.backingFile === undefined) {
      throw new DiskError("usage", "Image does not have a backing file");
    }
    const basePath = resolveBackingPath(path, top.header.backingFile);
    const base = await openImage(basePath, { format: top.header.backingFormat });
    try {
      if (base.size < top.size) await base.resize(top.size);
      const buf = new Uint8Array(CHUNK);
      let off = 0;
      while (off < top.size) {
        const st = await top.blockStatus(off, Math.min(CHUNK, top.size - off));
        if (st.allocated) {
          if (st.zero) await base.writeZeroes(off, st.length);
          else {
            const piece = buf.subarray(0, st.length);
            await top.read(off, piece);
            await base.write(off, piece);
          }
        }
        off += st.length;
      }
      await base.flush();
    } finally {
      await base.close();
    }
    if (!opts.keepTop) await top.makeEmpty();
    return "Image committed.\n";
  } finally {
    await top.close();
  }
}
