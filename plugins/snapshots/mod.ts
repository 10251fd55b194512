// The snapshots plugin: virsh's domain snapshot commands.

import { definePlugin } from "../../shell/mod.ts";
import { snapshotCreate, snapshotCreateAs } from "./create.ts";
import { snapshotDelete, snapshotEdit, snapshotRevert } from "./modify.ts";
import {
  snapshotCurrent,
  snapshotDumpxml,
  snapshotInfo,
  snapshotList,
  snapshotParent,
} from "./query.ts";

/** The snapshots plugin. */
export default definePlugin({
  name: "snapshots",
  description: "domain snapshots",
  commands: [
    snapshotCreate,
    snapshotCreateAs,
    snapshotCurrent,
    snapshotDelete,
    snapshotDumpxml,
    snapshotEdit,
    snapshotInfo,
    snapshotList,
    snapshotParent,
    snapshotRevert,
  ],
});
