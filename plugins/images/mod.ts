// The images plugin: disk images (qcow2, raw).

import { definePlugin } from "../../shell/command.ts";

/** The images plugin. */
export default definePlugin({
  name: "images",
  description: "disk images (qcow2, raw)",
  commands: [],
});
