// The images plugin: qemu-img's operations on disk images (raw, qcow2) as vsh commands, over
// the disk/ library. They need no hypervisor; a storage volume of the connection may stand in
// for a file.

import { definePlugin } from "../../shell/command.ts";
import { imageCommitCmd, imageRebaseCmd, imageSnapshotCmd } from "./chain.ts";
import {
  imageCheckCmd,
  imageCompareCmd,
  imageInfoCmd,
  imageMapCmd,
  imageMeasureCmd,
} from "./inspect.ts";
import { imageConvertCmd, imageCreateCmd, imageResizeCmd } from "./write.ts";

/** The images plugin. */
export default definePlugin({
  name: "images",
  description: "disk images (qcow2, raw)",
  groups: { image: "Disk Images" },
  commands: [
    imageCheckCmd,
    imageCommitCmd,
    imageCompareCmd,
    imageConvertCmd,
    imageCreateCmd,
    imageInfoCmd,
    imageMapCmd,
    imageMeasureCmd,
    imageRebaseCmd,
    imageResizeCmd,
    imageSnapshotCmd,
  ],
});
