// The storage plugin: virsh's storage pool and storage volume groups.

import { definePlugin } from "../../shell/mod.ts";
import { poolCommands } from "./pools.ts";
import { transferCommands } from "./transfer.ts";
import { volumeCommands } from "./volumes.ts";

/** Storage pools (pool-*, find-storage-pool-sources*) and volumes (vol-*). */
export default definePlugin({
  name: "storage",
  description: "Storage pools and volumes (virsh's pool and volume groups).",
  commands: [...poolCommands, ...volumeCommands, ...transferCommands],
});
