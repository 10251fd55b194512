// Opening an image by path: probing its format and opening its backing chain beneath it.

import type { BlockDevice } from "./block.ts";
import { DiskError } from "./errors.ts";
import { FileDevice } from "./file.ts";
import { probeBytes } from "./probe.ts";
import { Qcow2Image } from "./qcow2/image.ts";
import { RawImage } from "./raw.ts";

/** Options for {@link openImage}. */
export interface OpenImageOptions {
  /** Format name ("raw", "qcow2"); probed from the content when omitted. */
  format?: string;
  /** Open without write access (default false). Backing files are always read-only. */
  readOnly?: boolean;
  /** Open the backing chain too (default true). */
  backing?: boolean;
  /** Longest backing chain accepted (default 64). */
  maxDepth?: number;
  /** Never fdatasync the top image's file (qemu cache=unsafe). */
  noFlush?: boolean;
}

/** qemu's path_combine: a relative backing name is relative to the overlay's directory. */
export function resolveBackingPath(overlay: string, backing: string): string {
  if (backing.startsWith("/") || /^[a-z][a-z0-9+.-]*:/i.test(backing)) return backing;
  const slash = overlay.lastIndexOf("/");
  return slash < 0 ? backing : overlay.slice(0, slash + 1) + backing;
}

function canonical(path: string): string {
  try {
    return Deno.realPathSync(path);
  } catch {
    return path;
  }
}

/**
 * Opens the file at `path` from somewhere other than this machine's file system (a storage
 * volume on another machine, say), or returns undefined to leave it to the local file system.
 * `parent` is the file of the image whose backing file `path` is, when it is one.
 */
export type FileSource = (
  path: string,
  parent: FileDevice | undefined,
) => Promise<FileDevice | undefined>;

const fileSources: FileSource[] = [];

/**
 * Runs `fn` with `source` asked first for every file that {@link openImage} opens (images and
 * their backing files) while it runs. The library's operations take paths; this is how they
 * reach files that are not on this machine. Sources are process-wide while `fn` runs, so a
 * source should claim only the paths it was set up for.
 *
 * @example
 * ```ts
 * import { withFileSource } from "./open.ts";
 * import { imageInfo } from "./ops/info.ts";
 * const far = () => Promise.resolve(undefined); // claims nothing: every file is local
 * await withFileSource(far, () => imageInfo("disk.qcow2")).catch(() => {});
 * ```
 */
export async function withFileSource<T>(source: FileSource, fn: () => Promise<T>): Promise<T> {
  fileSources.push(source);
  try {
    return await fn();
  } finally {
    fileSources.splice(fileSources.lastIndexOf(source), 1);
  }
}

async function openFile(
  path: string,
  opts: OpenImageOptions,
  parent: FileDevice | undefined,
): Promise<FileDevice> {
  for (let i = fileSources.length - 1; i >= 0; i--) {
    const file = await fileSources[i](path, parent);
    if (file) return file;
  }
  return FileDevice.open(path, { readOnly: opts.readOnly, noFlush: opts.noFlush });
}

/** Formats whose content this library can read. */
const READABLE = new Set(["raw", "qcow2", "vdi", "vpc", "vmdk"]);

/**
 * Opens an image and, unless told otherwise, its backing chain (each backing image
 * read-only). Loops and over-long chains are refused.
 *
 * @example
 * ```ts
 * import { openImage } from "./open.ts";
 * try {
 *   const img = await openImage("disk.qcow2", { readOnly: true });
 *   console.log(img.format, img.size);
 *   await img.close();
 * } catch (e) {
 *   console.error((e as Error).message);
 * }
 * ```
 */
export async function openImage(path: string, opts: OpenImageOptions = {}): Promise<BlockDevice> {
  try {
    return await openChain(path, opts, new Set(), 0, undefined);
  } catch (e) {
    // qemu-img's wording: "Could not open 'top.qcow2': <reason>".
    const msg = e instanceof Error ? e.message : String(e);
    throw new DiskError(e instanceof DiskError ? e.kind : "io", `Could not open '${path}': ${msg}`);
  }
}

async function openChain(
  path: string,
  opts: OpenImageOptions,
  seen: Set<string>,
  depth: number,
  parent: FileDevice | undefined,
): Promise<BlockDevice> {
  const max = opts.maxDepth ?? 64;
  if (depth > max) throw new DiskError("corrupt", `Backing chain of '${path}' is too long`);
  const key = canonical(path);
  if (seen.has(key)) {
    throw new DiskError("corrupt", `Backing file '${path}' creates a loop in the backing chain`);
  }
  seen.add(key);
  const file = await openFile(path, opts, parent);
  try {
    let format = opts.format;
    if (!format) {
      const head = new Uint8Array(Math.min(file.size, 0x8006));
      await file.read(0, head);
      const probed = probeBytes(head);
      format = probed === "iso" ? "raw" : probed;
    }
    if (!READABLE.has(format)) {
      throw new DiskError("unsupported", `Image format '${format}' of '${path}' is not supported`);
    }
    if (format === "raw") return new RawImage(file);
    // The rarely used formats load when one is met, not with every image command.
    if (format === "vdi") return await (await import("./formats/vdi.ts")).VdiImage.open(file);
    if (format === "vpc") return await (await import("./formats/vpc.ts")).VpcImage.open(file);
    if (format === "vmdk") return await (await import("./formats/vmdk.ts")).VmdkImage.open(file);
    const img = await Qcow2Image.open(file, { readOnly: opts.readOnly });
    const b = img.header.backingFile;
    if (b !== undefined && opts.backing !== false) {
      const bpath = resolveBackingPath(path, b);
      try {
        const dev = await openChain(
          bpath,
          { format: img.header.backingFormat, readOnly: true, maxDepth: max },
          seen,
          depth + 1,
          file,
        );
        img.setBacking(dev);
      } catch (e) {
        const msg = e instanceof Error ? e.message : String(e);
        const inner = e instanceof DiskError && e.kind === "io"
          ? msg
          : `Could not open '${bpath}': ${msg}`;
        throw new DiskError(
          e instanceof DiskError ? e.kind : "io",
          `Could not open backing file: ${inner}`,
        );
      }
    }
    return img;
  } catch (e) {
    file.closeSync();
    throw e;
  }
}
