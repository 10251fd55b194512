// `qemu-img rebase`: change an image's backing file, copying what would otherwise change
// (safe mode) or only rewriting the header (unsafe mode).

import type { BlockDevice } from "../block.ts";
import { DiskError } from "../errors.ts";
import { openImage, resolveBackingPath } from "../open.ts";
import { Qcow2Image } from "../qcow2/image.ts";

/** Options for {@link rebaseImage}. */
export interface RebaseOptions {
  /** Format name as qemu-img prints it. */
  format?: string;
  /** Format of the new backing file (`-F`). */
  backingFormat?: string;
  /** Only rewrite the header (`-u`). */
  unsafe?: boolean;
}

const CHUNK = 1 << 20;

/**
 * `qemu-img rebase [-u] -b BACKING [-F FMT] PATH`. An empty or undefined `backing` removes the
 * backing file (safe mode first copies everything the old chain supplied).
 *
 * @example
 * ```ts
 * import { rebaseImage } from "./rebase.ts";
 * await rebaseImage("top.qcow2", "new-base.qcow2", { backingFormat: "qcow2" }).catch(() => {});
 * ```
 */
export async function rebaseImage(
  path: string,
  backing: string | undefined,
  opts: RebaseOptions = {},
): Promise<void> {
  const newName = backing === "" ? undefined : backing;
  const img = await openImage(path, { format: opts.format, backing: !opts.unsafe });
  try {
    if (!(img instanceof Qcow2Image)) {
      throw new DiskError(
        "unsupported",
        `Could not change the backing file to '${backing ?? ""}': Operation not supported`,
      );
    }
    if (!opts.unsafe) {
      let fresh: BlockDevice | undefined;
      if (newName !== undefined) {
        try {
          fresh = await openImage(resolveBackingPath(path, newName), {
            format: opts.backingFormat,
            readOnly: true,
          });
        } catch (e) {
          // openImage names the file once more than qemu-img does here.
          const msg = (e instanceof Error ? e.message : String(e))
            .replace(/^(Could not open '[^']*': )\1/, "$1");
          throw new DiskError("io", `Could not open new backing file '${newName}': ${msg}`);
        }
      }
      try {
        await copyDifferences(img, fresh);
      } finally {
        await fresh?.close();
      }
    }
    // qemu-img refuses to record a backing file without its format, after any copying.
    if (newName !== undefined && opts.backingFormat === undefined) {
      throw new DiskError(
        "usage",
        `Could not change the backing file to '${newName}': backing format must be specified`,
      );
    }
    await img.setBackingFile(newName, newName === undefined ? undefined : opts.backingFormat);
  } finally {
    await img.close();
  }
}

/** Writes into `img` every unallocated range where the old and new backing contents differ. */
async function copyDifferences(img: Qcow2Image, fresh: BlockDevice | undefined): Promise<void> {
  const old = img.backing;
  const a = new Uint8Array(CHUNK), b = new Uint8Array(CHUNK);
  let off = 0;
  while (off < img.size) {
    const st = await img.blockStatus(off, Math.min(CHUNK, img.size - off));
    const n = st.length;
    if (!st.allocated) {
      const x = a.subarray(0, n), y = b.subarray(0, n);
      if (old && off < old.size) await img.readBacking(off, x);
      else x.fill(0);
      if (fresh && off < fresh.size) {
        const m = Math.min(n, fresh.size - off);
        await fresh.read(off, y.subarray(0, m));
        y.fill(0, m);
      } else y.fill(0);
      // Copy in 64 KiB pieces so that equal stretches stay unallocated.
      for (let p = 0; p < n; p += 65536) {
        const q = Math.min(n, p + 65536);
        let same = true;
        for (let i = p; i < q; i++) {
          if (x[i] !== y[i]) {
            same = false;
            break;
          }
        }
        if (!same) await img.write(off + p, x.subarray(p, q));
      }
    }
    off += n;
  }
}
