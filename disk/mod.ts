/**
 * vsh's disk-image library: block devices, image formats (raw, qcow2) and qemu-img's
 * operations, each returning data plus qemu-img 7.2's exact text and JSON output.
 *
 * @example
 * ```ts
 * import { imageInfo } from "./mod.ts";
 * const r = await imageInfo("disk.qcow2").catch(() => null);
 * if (r) console.log(r.text);
 * ```
 * @module
 */

export type { BlockDevice, BlockExtent } from "./block.ts";
export { DiskError, type DiskErrorKind } from "./errors.ts";
export { FileDevice, type FileOpenOptions } from "./file.ts";
export { RawImage } from "./raw.ts";
export {
  type ClusterKind,
  type ClusterMapping,
  Qcow2Image,
  type Qcow2OpenOptions,
  type Table,
} from "./qcow2/image.ts";
export type { Qcow2Header, RawExtension } from "./qcow2/format.ts";
export type { Qcow2Snapshot } from "./qcow2/snapshot_table.ts";
export { type ImageFormat, probeBytes, probeFile } from "./probe.ts";
export {
  type FileSource,
  openImage,
  type OpenImageOptions,
  resolveBackingPath,
  withFileSource,
} from "./open.ts";
export { type RangeChunk, type RangeReader, StreamFile, type StreamFileOptions } from "./stream.ts";
export { qdictOrder, type QDictValue, qjson, type QValue, sizeToStr } from "./qobject.ts";
export {
  describeImage,
  type ImageInfo,
  imageInfo,
  infoJson,
  type InfoOptions,
  type InfoResult,
  infoText,
  type SnapshotInfo,
} from "./ops/info.ts";
export { imageMap, type MapEntry, type MapOptions, type MapResult } from "./ops/map.ts";
export {
  type CheckOptions,
  type CheckResult,
  imageCheck,
  type Qcow2CheckResult,
  type RepairMode,
} from "./ops/check.ts";
export { CheckFailed, checkQcow2 } from "./qcow2/check.ts";
export {
  CreateFailed,
  createImage,
  type CreateOptions,
  type CreateResult,
  formattingLine,
  type Preallocation,
} from "./ops/create.ts";
export {
  compareDevices,
  type CompareOptions,
  type CompareResult,
  imageCompare,
} from "./ops/compare.ts";
export {
  convertDevices,
  convertImage,
  type ConvertOptions,
  type ConvertResult,
} from "./ops/convert.ts";
export { mapDevice, renderMap, statusAbove } from "./ops/map.ts";
export {
  snapshotApply,
  snapshotCreate,
  snapshotDelete,
  snapshotList,
  type SnapshotListResult,
} from "./ops/snapshot.ts";
export {
  resizeImage,
  type ResizeOptions,
  type ResizeResult,
  SHRINK_WARNING,
} from "./ops/resize.ts";
export { rebaseImage, type RebaseOptions } from "./ops/rebase.ts";
export { commitImage, type CommitOptions } from "./ops/commit.ts";
export {
  imageMeasure,
  type MeasureOptions,
  type MeasureResult,
  qcow2PreallocSize,
} from "./ops/measure.ts";
export { VdiImage } from "./formats/vdi.ts";
export { VpcImage } from "./formats/vpc.ts";
export { type VmdkDescriptor, VmdkImage } from "./formats/vmdk.ts";
export { type BlockLocation, TableImage } from "./formats/readonly.ts";
export { firstDiff, firstNonZero } from "./bytes.ts";
export {
  parseImageOptions,
  parseResizeSize,
  parseSize,
  parseSizeValue,
  splitOptions,
} from "./options.ts";
export { type Qcow2Bitmap, readBitmaps } from "./qcow2/bitmaps.ts";
