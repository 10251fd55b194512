// `qemu-img check`: consistency report (and repair) with qemu-img's text, JSON and exit code.

import { DiskError } from "../errors.ts";
import { openImage } from "../open.ts";
import { checkQcow2, type Qcow2CheckResult, type RepairMode } from "../qcow2/check.ts";
import { Qcow2Image } from "../qcow2/image.ts";
import type { VdiImage } from "../formats/vdi.ts";
import type { VmdkImage } from "../formats/vmdk.ts";
import { qdictOrder, type QDictValue, qjson } from "../qobject.ts";

export type { Qcow2CheckResult, RepairMode };

/** Result of {@link imageCheck}. */
export interface CheckResult {
  /** The final pass (after repair, the second pass, as qemu-img reports it). */
  result: Qcow2CheckResult;
  /** What the repairing pass fixed, when repairing. */
  fixed?: { leaks: number; corruptions: number };
  /** qemu-img's stdout, text form. */
  text: string;
  /** qemu-img's stderr lines during the check (per-cluster messages). */
  stderr: string;
  /** `--output=json` value. */
  json: QDictValue;
  /** Byte-identical to `qemu-img check --output=json` (without the final newline). */
  jsonText: string;
  /** qemu-img's exit status: 0 clean, 2 corruptions, 3 leaks only, 1 check failed. */
  exitCode: number;
}

/** Options for {@link imageCheck}. */
export interface CheckOptions {
  /** Format name as qemu-img prints it. */
  format?: string;
  /** `-r leaks` or `-r all`. */
  repair?: RepairMode;
}

// printf's "%0.2f": a tie in the exact binary value (3.125) goes to the even digit, where
// toFixed rounds it up.
function pct(n: number, d: number): string {
  const v = d ? (100 * n / d) : 0;
  const exact = v.toFixed(100);
  const cut = exact.indexOf(".") + 3;
  const tie = exact[cut] === "5" && !/[1-9]/.test(exact.slice(cut + 1));
  return tie && Number(exact[cut - 1]) % 2 === 0 ? exact.slice(0, cut) : v.toFixed(2);
}

function render(
  path: string,
  r: Qcow2CheckResult,
  fixed?: { leaks: number; corruptions: number },
  format = "qcow2",
) {
  let text = "";
  if (fixed && (fixed.leaks || fixed.corruptions)) {
    text += "The following inconsistencies were found and repaired:\n\n" +
      `    ${fixed.leaks} leaked clusters\n    ${fixed.corruptions} corruptions\n\n` +
      "Double checking the fixed image now...\n";
  }
  if (!r.corruptions && !r.leaks && !r.checkErrors) text += "No errors were found on the image.\n";
  else {
    if (r.corruptions) {
      text += `\n${r.corruptions} errors were found on the image.\n` +
        "Data may be corrupted, or further writes to the image may corrupt it.\n";
    }
    if (r.leaks) {
      text += `\n${r.leaks} leaked clusters were found on the image.\n` +
        "This means waste of disk space, but no harm to data.\n";
    }
    if (r.checkErrors) {
      text += `\n${r.checkErrors} internal errors have occurred during the check.\n`;
    }
  }
  if (r.totalClusters && r.allocatedClusters) {
    text +=
      `${r.allocatedClusters}/${r.totalClusters} = ${
        pct(r.allocatedClusters, r.totalClusters)
      }% allocated, ` +
      `${pct(r.fragmentedClusters, r.allocatedClusters)}% fragmented, ` +
      `${pct(r.compressedClusters, r.allocatedClusters)}% compressed clusters\n`;
  }
  if (r.imageEndOffset) text += `Image end offset: ${r.imageEndOffset}\n`;
  const o: QDictValue = { filename: path, format, "check-errors": r.checkErrors };
  if (r.corruptions) o.corruptions = r.corruptions;
  if (r.leaks) o.leaks = r.leaks;
  if (fixed?.corruptions) o["corruptions-fixed"] = fixed.corruptions;
  if (fixed?.leaks) o["leaks-fixed"] = fixed.leaks;
  if (r.imageEndOffset) o["image-end-offset"] = r.imageEndOffset;
  if (r.totalClusters) o["total-clusters"] = r.totalClusters;
  if (r.allocatedClusters) o["allocated-clusters"] = r.allocatedClusters;
  if (r.fragmentedClusters) o["fragmented-clusters"] = r.fragmentedClusters;
  if (r.compressedClusters) o["compressed-clusters"] = r.compressedClusters;
  return { text, json: qdictOrder(o) };
}

/**
 * `qemu-img check [-r leaks|all] [--output=json] PATH` for qcow2, vdi and vmdk. Formats without
 * checks (raw, vpc) reject with qemu-img's "This image format does not support checks" (qemu-img
 * exits 63 then).
 *
 * @example
 * ```ts
 * import { imageCheck } from "./check.ts";
 * const r = await imageCheck("disk.qcow2").catch(() => null);
 * if (r) console.log(r.text, r.exitCode);
 * ```
 */
export async function imageCheck(path: string, opts: CheckOptions = {}): Promise<CheckResult> {
  const repair = opts.repair ?? "none";
  const dev = await openImage(path, {
    format: opts.format,
    readOnly: repair === "none",
    backing: false,
  });
  try {
    // Told apart by name: the vdi and vmdk modules load only when such an image is opened.
    if (dev.format === "vdi" || dev.format === "vmdk") {
      const c = dev.format === "vdi"
        ? (dev as VdiImage).checkBlocks()
        : (dev as VmdkImage).checkGrains();
      const r: Qcow2CheckResult = {
        corruptions: c.corruptions,
        leaks: 0,
        checkErrors: 0,
        corruptionsFixed: 0,
        leaksFixed: 0,
        imageEndOffset: 0,
        totalClusters: 0,
        allocatedClusters: 0,
        fragmentedClusters: 0,
        compressedClusters: 0,
        messages: c.messages,
      };
      const { text, json } = render(path, r, undefined, dev.format);
      return {
        result: r,
        text,
        stderr: c.messages.map((m) => m + "\n").join(""),
        json,
        jsonText: qjson(json),
        exitCode: r.corruptions ? 2 : 0,
      };
    }
    if (!(dev instanceof Qcow2Image)) {
      throw new DiskError("unsupported", "This image format does not support checks");
    }
    let first = await checkQcow2(dev, repair);
    let fixed: { leaks: number; corruptions: number } | undefined;
    const messages = [...first.messages];
    if (repair !== "none") {
      fixed = { leaks: first.leaksFixed, corruptions: first.corruptionsFixed };
      if (fixed.leaks || fixed.corruptions) {
        first = await checkQcow2(dev, "none");
        messages.push(...first.messages);
      }
    }
    const { text, json } = render(path, first, fixed);
    const exitCode = first.checkErrors ? 1 : first.corruptions ? 2 : first.leaks ? 3 : 0;
    return {
      result: first,
      fixed,
      text,
      stderr: messages.map((m) => m + "\n").join(""),
      json,
      jsonText: qjson(json),
      exitCode,
    };
  } finally {
    await dev.close();
  }
}
