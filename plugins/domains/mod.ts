// The domains plugin: virsh's domain management and monitoring commands, and the host commands.

import { definePlugin } from "../../shell/mod.ts";
import { configCommands } from "./config.ts";
import { hostCommands } from "./host.ts";
import { lifecycleCommands } from "./lifecycle.ts";
import {
  domblkinfo,
  domblklist,
  domblkstat,
  domid,
  domiflist,
  domifstat,
  dominfo,
  dommemstat,
  domname,
  domstate,
  domuuid,
  list,
} from "./monitor.ts";

/** The domains plugin. */
export default definePlugin({
  name: "domains",
  description: "domains and the host",
  commands: [
    ...lifecycleCommands,
    ...configCommands,
    domid,
    domname,
    domuuid,
    domblkinfo,
    domblklist,
    domblkstat,
    domiflist,
    domifstat,
    dominfo,
    dommemstat,
    domstate,
    list,
    ...hostCommands,
  ],
});
