// The networks plugin: virsh's "Networking" and "Interface" command groups.

import { definePlugin } from "../../shell/mod.ts";
import { interfaceCommands } from "./interfaces.ts";
import { networkCommands } from "./networks.ts";

/** Virtual networks (net-*) and host interfaces (iface-*). */
export default definePlugin({
  name: "networks",
  description: "Virtual networks and host interfaces (virsh's network and interface groups).",
  commands: [...interfaceCommands, ...networkCommands],
});
