// The storage plugin: virsh's storage pool and storage volume groups.

import { definePlugin } from "../../shell/mod.ts";
import { poolCommands } from "./pools.ts";
import { volDownload, volUpload } from "./transfer.ts";
import {
  volClone,
  volCreate,
  volCreateAs,
  volCreateFrom,
  volDelete,
  volDumpxml,
  volInfoCmd,
  volKey,
  volList,
  volName,
  volPathCmd,
  volPoolCmd,
  volResize,
  volWipe,
} from "./volumes.ts";

/** Storage pools (pool-*, find-storage-pool-sources*) and volumes (vol-*), in virsh's order. */
export default definePlugin({
  name: "storage",
  description: "Storage pools and volumes (virsh's pool and volume groups).",
  commands: [
    ...poolCommands,
    volClone,
    volCreateAs,
    volCreate,
    volCreateFrom,
    volDelete,
    volDownload,
    volDumpxml,
    volInfoCmd,
    volKey,
    volList,
    volName,
    volPathCmd,
    volPoolCmd,
    volResize,
    volUpload,
    volWipe,
  ],
});
