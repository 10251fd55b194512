// The snapshots plugin: domain snapshots.

import { definePlugin } from "../../shell/command.ts";

/** The snapshots plugin. */
export default definePlugin({
  name: "snapshots",
  description: "domain snapshots",
  commands: [],
});
