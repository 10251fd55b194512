// What the definition parsers (network, storage pool and volume, host interface, snapshot)
// share: libvirt's check of the root element, blank text dropped as libvirt's parser drops it,
// the <uuid> element, and the names of storage file formats.

import { childText, type XmlElement } from "./tree.ts";
import { DefinitionError } from "./domain.ts";
import { parseUuid, randomUuid } from "./uuid.ts";

/** `root` is a `<name>` element, or libvirt's XML error (from error domain `from`) is thrown. */
export function expectRoot(root: XmlElement, name: string, from: number): void {
  if (root.name !== name) {
    throw new DefinitionError(
      27,
      from,
      `XML error: expecting root element of '${name}', not '${root.name}'`,
    );
  }
}

/**
 * A copy of `e` without the white-space-only text beside its child elements, at every level
 * (text of elements that hold only text is kept as it is).
 */
export function stripBlankText(e: XmlElement): XmlElement {
  const hasEl = e.children.some((c) => typeof c !== "string");
  return {
    name: e.name,
    attrs: { ...e.attrs },
    children: e.children
      .filter((c) => typeof c !== "string" || !hasEl || c.trim() !== "")
      .map((c) => typeof c === "string" ? c : stripBlankText(c)),
  };
}

/** The UUID of `root`'s <uuid> child, a random one without it; `malformed` is thrown for junk. */
export function readUuid(root: XmlElement, malformed: () => Error): Uint8Array {
  const uuidText = childText(root, "uuid");
  if (uuidText === undefined) return randomUuid();
  const uuid = parseUuid(uuidText);
  if (!uuid) throw malformed();
  return uuid;
}

/** libvirt's virStorageFileFormat names from "raw" to "vmdk" (without "none" and "luks"). */
export const STORAGE_FILE_FORMATS: readonly string[] = [
  "raw",
  "dir",
  "bochs",
  "cloop",
  "dmg",
  "iso",
  "vpc",
  "vdi",
  "fat",
  "vhd",
  "ploop",
  "cow",
  "qcow",
  "qcow2",
  "qed",
  "vmdk",
];
