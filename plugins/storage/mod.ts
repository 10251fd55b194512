// The storage plugin: storage pools and volumes.

import { definePlugin } from "../../shell/command.ts";

/** The storage plugin. */
export default definePlugin({
  name: "storage",
  description: "storage pools and volumes",
  commands: [],
});
