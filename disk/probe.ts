// Format probing from an image's first bytes, with qemu's rules and names.

import { FileDevice } from "./file.ts";

/** Image formats this library can name. "raw" is the answer when nothing else matches. */
export type ImageFormat =
  | "raw"
  | "qcow2"
  | "qcow"
  | "vmdk"
  | "vdi"
  | "vpc"
  | "vhdx"
  | "qed"
  | "luks"
  | "iso";

const ascii = (b: Uint8Array, off: number, s: string) =>
  b.length >= off + s.length && [...s].every((c, i) => b[off + i] === c.charCodeAt(0));

/**
 * Names the format of an image from its first bytes (at least 0x8006 of them to see ISO 9660).
 * Like qemu, an ISO 9660 filesystem is still a raw image; it is told apart only as "iso".
 *
 * @example
 * ```ts
 * import { probeBytes } from "./probe.ts";
 * console.log(probeBytes(new Uint8Array([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]))); // "qcow2"
 * ```
 */
export function probeBytes(b: Uint8Array): ImageFormat {
  if (ascii(b, 0, "QFI\xfb") && b.length >= 8) {
    const version = (b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7];
    return version >= 2 ? "qcow2" : "qcow";
  }
  if (ascii(b, 0, "QED\0")) return "qed";
  if (ascii(b, 0, "KDMV") || ascii(b, 0, "COWD")) return "vmdk";
  if (ascii(b, 0, "# Disk DescriptorFile")) return "vmdk";
  if (
    b.length >= 0x44 && b[0x40] === 0x7f && b[0x41] === 0x10 && b[0x42] === 0xda && b[0x43] === 0xbe
  ) {
    return "vdi";
  }
  if (ascii(b, 0, "conectix")) return "vpc";
  if (ascii(b, 0, "vhdxfile")) return "vhdx";
  if (ascii(b, 0, "LUKS\xba\xbe")) return "luks";
  if (ascii(b, 0x8001, "CD001")) return "iso";
  return "raw";
}

/** Probes the format of the image file at `path`. */
export async function probeFile(path: string): Promise<ImageFormat> {
  const f = FileDevice.open(path, { readOnly: true });
  try {
    const head = new Uint8Array(Math.min(f.size, 0x8006));
    await f.read(0, head);
    return probeBytes(head);
  } finally {
    f.closeSync();
  }
}
