// qcow2 consistency check and repair, following qemu's rules and messages: every cluster's
// stored refcount is compared with the references the metadata actually makes.

import { DiskError } from "../errors.ts";
import { skipZeros } from "../bytes.ts";
import { bitmapDataClusters, readBitmaps } from "./bitmaps.ts";
import type { Qcow2Image } from "./image.ts";

/** Counters of one check pass, named as qemu's BdrvCheckResult. */
export interface Qcow2CheckResult {
  /** Inconsistencies that can damage data. */
  corruptions: number;
  /** Clusters with refcounts but no references. */
  leaks: number;
  /** Internal errors that kept parts of the check from running. */
  checkErrors: number;
  /** Corruptions repaired. */
  corruptionsFixed: number;
  /** Leaks repaired. */
  leaksFixed: number;
  /** End of the last cluster in use. */
  imageEndOffset: number;
  /** Guest clusters in the virtual size. */
  totalClusters: number;
  /** Guest clusters with data in the active state. */
  allocatedClusters: number;
  /** Data clusters not right after the previous one on disk. */
  fragmentedClusters: number;
  /** Guest clusters stored compressed. */
  compressedClusters: number;
  /** Lines qemu prints on stderr while checking ("Leaked cluster 5 refcount=1 reference=0"). */
  messages: string[];
}

/** Which inconsistencies to repair. */
export type RepairMode = "none" | "leaks" | "all";

/** The check could not complete; `messages` were printed before qemu-img gave up. */
export class CheckFailed extends DiskError {
  /** Lines printed on stderr before the failure. */
  readonly messages: string[];
  /** Builds the error qemu-img reports as "Check failed: Input/output error". */
  constructor(messages: string[]) {
    super("corrupt", "Check failed: Input/output error");
    this.messages = messages;
  }
}

const MAX_CHECK_CLUSTERS = 1 << 28;

/** Runs one check pass over an open image, repairing refcounts as `repair` allows. */
export async function checkQcow2(
  img: Qcow2Image,
  repair: RepairMode = "none",
): Promise<Qcow2CheckResult> {
  const cs = img.clusterSize;
  const res: Qcow2CheckResult = {
    corruptions: 0,
    leaks: 0,
    checkErrors: 0,
    corruptionsFixed: 0,
    leaksFixed: 0,
    imageEndOffset: 0,
    totalClusters: Math.ceil(img.size / cs),
    allocatedClusters: 0,
    fragmentedClusters: 0,
    compressedClusters: 0,
    messages: [],
  };
  const fileLen = img.file.size;
  const nbClusters = Math.ceil(fileLen / cs);
  if (nbClusters > MAX_CHECK_CLUSTERS) {
    throw new DiskError("corrupt", "Image file too large to check");
  }
  let refs = new Uint32Array(Math.max(nbClusters, 1));
  const inc = (off: number, size: number) => {
    if (size <= 0) return;
    if (off + size - fileLen >= cs) {
      res.messages.push(
        `ERROR: counting reference for region exceeding the end of the file by one cluster or more: offset 0x${
          off.toString(16)
        } size 0x${size.toString(16)}`,
      );
      res.corruptions++;
      return;
    }
    const first = Math.floor(off / cs), last = Math.floor((off + size - 1) / cs);
    if (last >= refs.length) {
      const bigger = new Uint32Array(last + 1);
      bigger.set(refs);
      refs = bigger;
    }
    for (let c = first; c <= last; c++) refs[c]++;
  };

  // Hostile images can point many L1 entries (or snapshots) at the same tables.
  let budget = 2 ** 30;
  const es = img.l2EntrySize, end = img.l2Entries * es, grain = 8 * es;
  inc(0, cs);
  const walk = async (l1off: number, l1size: number, active: boolean) => {
    inc(l1off, l1size * 8);
    const l1 = active ? img.l1View : await img.readL1(l1off, l1size);
    for (let i = 0; i < l1size; i++) {
      const hi = l1.getUint32(i * 8), lo = l1.getUint32(i * 8 + 4);
      const l2off = (hi & 0x00ffffff) * 0x100000000 + ((lo & 0xfffffe00) >>> 0);
      if (!l2off) continue;
      inc(l2off, cs);
      if (l2off % cs) {
        res.messages.push(
          `ERROR l2_offset=${l2off.toString(16)}: Table is not cluster aligned; L1 entry corrupted`,
        );
        res.corruptions++;
        continue;
      }
      if (l2off + cs > fileLen) continue;
      budget -= img.l2Entries;
      if (budget < 0) {
        throw new DiskError("corrupt", "Too many L2 table references; the metadata is corrupt");
      }
      const t = await img.loadL2(l2off);
      let nextContiguous = 0;
      // All-zero entries reference nothing: only blocks of entries holding something are read.
      for (
        let at = skipZeros(t.buf, 0, end, grain);
        at < end;
        at = skipZeros(t.buf, at, end, grain)
      ) {
        for (const stop = Math.min(end, at + grain); at < stop; at += es) {
          const b = at;
          const ehi = t.view.getUint32(b);
          if (ehi & 0x40000000) {
            if (ehi & 0x80000000) {
              res.messages.push(
                `ERROR: coffset=0x${
                  img.decodeCompressed(t.view, b).coffset.toString(16)
                }: copied flag must never be set for compressed clusters`,
              );
              res.corruptions++;
            }
            const { coffset, csize } = img.decodeCompressed(t.view, b);
            inc(coffset, csize);
            res.allocatedClusters += active ? 1 : 0;
            res.compressedClusters += active ? 1 : 0;
            res.fragmentedClusters += active ? 1 : 0;
            continue;
          }
          const host = (ehi & 0x00ffffff) * 0x100000000 +
            ((t.view.getUint32(b + 4) & 0xfffffe00) >>> 0);
          if (!host) continue;
          if (host % cs) {
            res.messages.push(
              `ERROR offset=${
                host.toString(16)
              }: Data cluster is not properly aligned; L2 entry corrupted.`,
            );
            res.corruptions++;
          }
          if (active) {
            res.allocatedClusters++;
            if (nextContiguous && host !== nextContiguous) res.fragmentedClusters++;
            nextContiguous = host + cs;
          }
          inc(host, cs);
        }
      }
    }
  };
  await walk(img.header.l1TableOffset, img.header.l1Size, true);
  for (const s of img.snapshots) await walk(s.l1TableOffset, s.l1Size, false);
  inc(img.header.snapshotsOffset, img.snapshotsSize);
  inc(img.header.refcountTableOffset, img.header.refcountTableClusters * cs);
  const bitmaps = await readBitmaps(img);
  if (bitmaps.length) inc(img.header.bitmaps!.directoryOffset, img.header.bitmaps!.directorySize);
  for (const b of bitmaps) {
    inc(b.tableOffset, b.tableSize * 8);
    for (const off of await bitmapDataClusters(img, b)) inc(off, cs);
  }
  img.reftable.forEach((off, i) => {
    if (!off) return;
    if (off % cs) {
      res.messages.push(
        `ERROR refcount block ${i} is not cluster aligned; refcount table entry corrupted`,
      );
      res.corruptions++;
      return;
    }
    if (off >= fileLen) {
      res.messages.push(`ERROR refcount block ${i} is outside image`);
      res.corruptions++;
      return;
    }
    inc(off, cs);
  });

  // Compare stored refcounts with the references found: one reporting pass, then (when
  // repairing) a second pass that fixes what it may, as qemu does.
  const upto = Math.max(nbClusters, refs.length);
  let highest = 0;
  const fixLeaks = repair !== "none", fixErrors = repair === "all";
  const compare = (fixing: boolean, found: ArrayLike<number> = refs, n = upto): boolean => {
    let rebuild = false;
    highest = 0;
    for (let c = 0; c < n; c++) {
      let stored: number;
      try {
        stored = img.getRefcountSync(c);
      } catch {
        res.messages.push(`Can't get refcount for cluster ${c}: Input/output error`);
        res.checkErrors++;
        continue;
      }
      const want = c < found.length ? found[c] : 0;
      if (stored > 0 || want > 0) highest = c;
      if (stored === want) continue;
      const leak = stored > want;
      if (stored === 0) rebuild = true;
      const fix = fixing && stored !== 0 && (leak ? fixLeaks : fixErrors);
      const what = fix ? "Repairing" : leak ? "Leaked" : "ERROR";
      res.messages.push(`${what} cluster ${c} refcount=${stored} reference=${want}`);
      if (fix) {
        img.setRefcountSync(c, want);
        // qemu discards a cluster whose refcount a repair brings to zero.
        if (want === 0) img.file.discardSync(c * cs, cs);
        if (leak) res.leaksFixed++;
        else res.corruptionsFixed++;
      } else if (leak) res.leaks++;
      else res.corruptions++;
    }
    return rebuild;
  };
  const oldTable = {
    offset: img.header.refcountTableOffset,
    clusters: img.header.refcountTableClusters,
    blocks: img.reftable.filter((off) => off && off % cs === 0 && off < fileLen),
  };
  const walkErrors = { corruptions: res.corruptions, leaks: res.leaks };
  const rebuild = compare(false);
  if (rebuild && fixErrors) {
    // New refcount structures from the references found; the old ones become leaks, which the
    // leak repair below frees (qemu prints those repairs too).
    res.messages.push("Rebuilding refcount structure");
    const old = { corruptions: res.corruptions, leaks: res.leaks };
    const counts = img.rebuildRefcountsSync(Array.from(refs.subarray(0, upto)));
    // The references again: the new blocks and table count, the old ones no longer do.
    const found = counts.map((v) => v);
    const drop = (off: number, size: number) => {
      for (let c = Math.floor(off / cs); c * cs < off + size; c++) found[c]--;
    };
    drop(oldTable.offset, oldTable.clusters * cs);
    for (const off of oldTable.blocks) drop(off, cs);
    res.corruptions = walkErrors.corruptions;
    res.leaks = walkErrors.leaks;
    const saved = { ...res };
    res.corruptions = res.leaks = 0;
    if (compare(true, found, found.length)) {
      res.messages.push("ERROR rebuilt refcount structure is still broken");
    }
    const freshLeaks = res.leaks;
    res.corruptions = saved.corruptions;
    res.leaks = saved.leaks;
    res.leaksFixed = saved.leaksFixed;
    res.corruptionsFixed = saved.corruptionsFixed;
    if (res.corruptions < old.corruptions) {
      res.corruptionsFixed += old.corruptions - res.corruptions;
    }
    if (res.leaks < old.leaks) res.leaksFixed += old.leaks - res.leaks;
    res.leaks += freshLeaks;
  } else if (fixLeaks) {
    if (rebuild) {
      res.messages.push("ERROR need to rebuild refcount structures");
      throw new CheckFailed(res.messages);
    }
    if (res.leaks || res.corruptions) {
      res.leaks = res.corruptions = 0;
      compare(true);
    }
  }

  // COPIED flags of the active tables must say whether the refcount is exactly one.
  for (let i = 0; i < img.header.l1Size; i++) {
    const hi = img.l1View.getUint32(i * 8), lo = img.l1View.getUint32(i * 8 + 4);
    const l2off = (hi & 0x00ffffff) * 0x100000000 + ((lo & 0xfffffe00) >>> 0);
    if (!l2off || l2off % cs || l2off + cs > fileLen) continue;
    const rc = img.getRefcountSync(l2off / cs);
    if ((rc === 1) !== ((hi & 0x80000000) !== 0)) {
      const entry = (hi >>> 0).toString(16) + (lo >>> 0).toString(16).padStart(8, "0");
      res.messages.push(
        `${fixErrors ? "Repairing" : "ERROR"} OFLAG_COPIED L2 cluster: l1_index=${i} l1_entry=${
          entry.replace(/^0+(?=.)/, "")
        } refcount=${rc}`,
      );
      if (fixErrors) {
        img.l1View.setUint32(i * 8, rc === 1 ? (hi | 0x80000000) >>> 0 : hi & 0x7fffffff);
        await img.file.write(img.header.l1TableOffset + i * 8, img.l1.subarray(i * 8, i * 8 + 8));
        res.corruptionsFixed++;
      } else res.corruptions++;
    }
    const t = await img.loadL2(l2off);
    let dirty = false;
    for (
      let at = skipZeros(t.buf, 0, end, grain);
      at < end;
      at = skipZeros(t.buf, at, end, grain)
    ) {
      for (const stop = Math.min(end, at + grain); at < stop; at += es) {
        const b = at;
        const ehi = t.view.getUint32(b), elo = t.view.getUint32(b + 4);
        if (ehi & 0x40000000) continue;
        const host = (ehi & 0x00ffffff) * 0x100000000 + ((elo & 0xfffffe00) >>> 0);
        if (!host || host % cs) continue;
        const drc = img.getRefcountSync(host / cs);
        if ((drc === 1) !== ((ehi & 0x80000000) !== 0)) {
          const entry = (ehi >>> 0).toString(16) + (elo >>> 0).toString(16).padStart(8, "0");
          res.messages.push(
            `${fixErrors ? "Repairing" : "ERROR"} OFLAG_COPIED data cluster: l2_entry=${
              entry.replace(/^0+(?=.)/, "")
            } refcount=${drc}`,
          );
          if (fixErrors) {
            t.view.setUint32(b, drc === 1 ? (ehi | 0x80000000) >>> 0 : ehi & 0x7fffffff);
            dirty = true;
            res.corruptionsFixed++;
          } else res.corruptions++;
        }
      }
    }
    if (dirty) await img.file.write(l2off, t.buf);
  }
  if (res.leaksFixed || res.corruptionsFixed) await img.flush();
  res.imageEndOffset = (highest + 1) * cs;
  return res;
}
