// The shell's built-in commands, as one plugin.

import { definePlugin } from "../shell/command.ts";
import { cd, echo, exit, help, pwd, quit } from "./shell.ts";
import { connect, hostname, uri, version } from "./connection.ts";
import { pluginList, pluginLoad } from "./plugins.ts";

/** The built-in commands (help, connect, uri, version, hostname, echo, cd, pwd, quit, exit, …). */
export default definePlugin({
  name: "builtin",
  description: "the shell's own commands",
  commands: [
    cd,
    echo,
    exit,
    help,
    pwd,
    quit,
    connect,
    pluginList,
    pluginLoad,
    hostname,
    uri,
    version,
  ],
});
