// An example vsh plugin: `greet` says hello to a domain and reports its state.
// Load it with `vsh --plugin docs/examples/greet_plugin.ts` or `plugin-load docs/examples/greet_plugin.ts`.

import { defineCommand, definePlugin, opt, Result, VshError } from "../../mod.ts";

const greet = defineCommand({
  name: "greet",
  group: "greetings",
  summary: "greet a domain",
  description: "Says hello to a domain and tells its state.",
  json: "{ domain, state }",
  options: {
    domain: opt.domain(),
    shout: opt.bool("greet in capitals"),
  },
  async handler(ctx, opts) {
    const name = opts.domain!;
    const dom = await ctx.conn.call("domainLookupByName", { name }).catch((e) => {
      throw new VshError(`failed to get domain '${name}'`, { cause: e });
    });
    const { state } = await ctx.conn.call("domainGetState", { dom: dom.dom, flags: 0 });
    const states = ["no state", "running", "blocked", "paused", "in shutdown", "shut off"];
    const text = `hello ${name}, you are ${states[state] ?? "other"}`;
    const r = new Result().print((opts.shout ? text.toUpperCase() : text) + "\n");
    r.data = { domain: name, state: states[state] ?? "other" };
    return r;
  },
});

export default definePlugin({
  name: "greetings",
  description: "an example plugin",
  groups: { greetings: "Greetings" },
  commands: [greet],
});
