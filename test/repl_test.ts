// The interactive shell on a real terminal (tmux): banner, prompt, Tab completion of commands,
// options and live domain names, history across sessions, and quit.

import { assert } from "./assert.ts";

const root = new URL("..", import.meta.url).pathname;

function tmux(...args: string[]): string {
  const o = new Deno.Command("tmux", { args, stdout: "piped", stderr: "piped" }).outputSync();
  return new TextDecoder().decode(o.stdout);
}

function haveTmux(): boolean {
  try {
    return new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

async function waitFor(session: string, pred: (screen: string) => boolean, what: string) {
  let screen = "";
  for (let i = 0; i < 150; i++) {
    screen = tmux("capture-pane", "-p", "-t", session);
    if (pred(screen)) return screen;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}; screen:\n${screen}`);
}

Deno.test({
  name: "repl: completion, history and quit on a terminal",
  ignore: !haveTmux(),
  async fn() {
    const home = await Deno.makeTempDir({ prefix: "vsh-repl-" });
    const session = `vsh-repl-${Deno.pid}`;
    const cmd = `env HOME=${home} XDG_CACHE_HOME=${home}/.cache XDG_CONFIG_HOME=${home}/.config ` +
      `${Deno.execPath()} run -A --quiet ${root}main.ts -c test:///default`;
    try {
      tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "50", cmd);
      await waitFor(session, (s) => s.includes("vsh #"), "the prompt");
      let screen = tmux("capture-pane", "-p", "-t", session);
      assert(screen.includes("Welcome to vsh, the virtualization interactive terminal."), screen);
      tmux("send-keys", "-t", session, "domst", "Tab");
      await waitFor(session, (s) => s.includes("vsh # domstate"), "command completion");
      tmux("send-keys", "-t", session, " t", "Tab");
      await waitFor(session, (s) => s.includes("vsh # domstate test"), "domain name completion");
      tmux("send-keys", "-t", session, " --rea", "Tab");
      await waitFor(session, (s) => s.includes("domstate test --reason"), "option completion");
      tmux("send-keys", "-t", session, "Enter");
      await waitFor(session, (s) => s.includes("running (unknown)"), "the command's output");
      tmux("send-keys", "-t", session, "quit", "Enter");
      await waitFor(session, (s) => !s.includes("vsh # quit") || s.includes("$"), "exit");
      for (let i = 0; i < 50 && tmux("has-session", "-t", session) !== ""; i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const history = await Deno.readTextFile(`${home}/.cache/vsh/history`);
      assert(history.includes("domstate test --reason"), history);
      // A new session recalls the last line with Up.
      tmux("kill-session", "-t", session);
      tmux("new-session", "-d", "-s", session, "-x", "200", "-y", "50", cmd);
      await waitFor(session, (s) => s.includes("vsh #"), "the second prompt");
      tmux("send-keys", "-t", session, "Up");
      await waitFor(session, (s) => /vsh # quit|vsh # domstate test --reason/.test(s), "history");
      screen = tmux("capture-pane", "-p", "-t", session);
      assert(screen.includes("vsh # quit"), screen);
    } finally {
      tmux("kill-session", "-t", session);
      await Deno.remove(home, { recursive: true });
    }
  },
});
