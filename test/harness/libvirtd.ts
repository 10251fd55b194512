// A private libvirtd for tests: its own mount namespace, state directories, sockets and virtlogd,
// so that it neither sees nor disturbs a system daemon or another test's daemon.

/** A running private daemon. */
export interface PrivateLibvirtd {
  /** Temporary directory holding the config, sockets, pid files, logs and state. */
  readonly dir: string;
  /** The read-write UNIX socket. */
  readonly socketPath: string;
  /** The read-only UNIX socket. */
  readonly readonlySocketPath: string;
  /** TCP port on 127.0.0.1 (auth none), when started with `tcp: true`. */
  readonly tcpPort?: number;
  /** TLS port on 127.0.0.1 (auth none, client certificate checked), with `tls: true`. */
  readonly tlsPort?: number;
  /**
   * With `tls: true`: a directory with the test CA's cacert.pem and a client certificate
   * (clientcert.pem, clientkey.pem), for `?pkipath=`.
   */
  readonly pkiPath?: string;
  /**
   * A client URI reaching this daemon over its UNIX socket for a driver URI such as
   * `test:///default` (the default) or `qemu:///system`.
   */
  uri(driverUri?: string): string;
  /** The daemon's log so far (for failure messages). */
  log(): string;
  /** The running libvirtd's process id (0 while it is down). */
  readonly pid: number;
  /** Send a signal to libvirtd itself (SIGSTOP freezes it, SIGCONT thaws it). */
  signal(sig: Deno.Signal): void;
  /** Kill libvirtd (SIGKILL, as a crash) and its virtlogd; the directory and guests stay. */
  kill(): Promise<void>;
  /** Start libvirtd again on the same sockets, config and state (after kill(), or to restart). */
  restart(): Promise<void>;
  /** Stop libvirtd, virtlogd and any guest they started, and remove the directory. */
  stop(): Promise<void>;
}

/** Options for {@link startPrivateLibvirtd}. */
export interface PrivateLibvirtdOptions {
  /** Also listen on TCP 127.0.0.1 without authentication. */
  tcp?: boolean;
  /** Also listen with TLS on 127.0.0.1, with a throw-away CA and certificates. */
  tls?: boolean;
  /** How long to wait for the socket, in milliseconds (default 20000). */
  timeoutMs?: number;
  /**
   * Directory shared by private daemons as /var/cache/libvirt, so that QEMU's capabilities
   * are probed once (≈ 5 s) rather than at each daemon's first guest. `false` gives this
   * daemon an empty cache of its own. Default: `vsh-libvirtd-cache` in the temp directory.
   */
  cacheDir?: string | false;
}

// Directories whose content a daemon owns; each gets a private, empty copy.
const PRIVATE_DIRS = [
  "/run/libvirt",
  "/var/lib/libvirt",
  "/var/cache/libvirt",
  "/var/log/libvirt",
  "/etc/libvirt/qemu",
  "/etc/libvirt/storage",
];

// Names of one length (makeTempDir's vary): paths in virsh's tables then align the same way
// for two daemons.
async function makeDaemonDir(): Promise<string> {
  const tmp = Deno.env.get("TMPDIR") || "/tmp";
  for (;;) {
    const hex = Array.from(crypto.getRandomValues(new Uint8Array(8)))
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    const dir = `${tmp}/vsh-libvirtd-${hex}`;
    try {
      await Deno.mkdir(dir, { mode: 0o700 });
      return dir;
    } catch (e) {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    }
  }
}

function freeTcpPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

// A throw-away CA, a server certificate for 127.0.0.1/localhost and a client certificate,
// with the key usages libvirt's sanity checks require.
async function makePki(dir: string): Promise<void> {
  const server = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n" +
    "extendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n";
  const client = "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n" +
    "extendedKeyUsage=clientAuth\n";
  await Deno.mkdir(`${dir}/client`, { recursive: true });
  await Deno.writeTextFile(`${dir}/server.ext`, server);
  await Deno.writeTextFile(`${dir}/client.ext`, client);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const steps = [
    ["req", "-x509", ...ec, "-keyout", "cakey.pem", "-out", "cacert.pem", "-days", "2"]
      .concat(["-subj", "/CN=vsh test CA", "-addext", "basicConstraints=critical,CA:TRUE"])
      .concat(["-addext", "keyUsage=critical,keyCertSign,cRLSign"]),
    ["req", ...ec, "-keyout", "serverkey.pem", "-out", "server.csr", "-subj", "/CN=localhost"],
    ["x509", "-req", "-in", "server.csr", "-CA", "cacert.pem", "-CAkey", "cakey.pem"]
      .concat(["-CAcreateserial", "-days", "2", "-extfile", "server.ext"])
      .concat(["-out", "servercert.pem"]),
    ["req", ...ec, "-keyout", "client/clientkey.pem", "-out", "client.csr"]
      .concat(["-subj", "/O=vsh/CN=client"]),
    ["x509", "-req", "-in", "client.csr", "-CA", "cacert.pem", "-CAkey", "cakey.pem"]
      .concat(["-CAcreateserial", "-days", "2", "-extfile", "client.ext"])
      .concat(["-out", "client/clientcert.pem"]),
  ];
  for (const args of steps) {
    const out = await new Deno.Command("openssl", { args, cwd: dir, stdin: "null" }).output();
    if (!out.success) {
      throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
  }
  await Deno.copyFile(`${dir}/cacert.pem`, `${dir}/client/cacert.pem`);
}

function readText(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return "";
  }
}

function killPidFile(path: string, signal: Deno.Signal): number | null {
  const pid = Number(readText(path).trim());
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    Deno.kill(pid, signal);
    return pid;
  } catch {
    return null;
  }
}

// A killed process whose parent is gone stays a zombie until init reaps it: that is dead.
function alive(pid: number): boolean {
  const status = readText(`/proc/${pid}/status`);
  return status !== "" && !/^State:\s+Z/m.test(status);
}

async function waitGone(pids: number[], ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (pids.some(alive) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  for (const pid of pids.filter(alive)) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * Start a private libvirtd (root required) and wait until its socket answers.
 *
 * @example
 * ```ts ignore
 * const d = await startPrivateLibvirtd();
 * try {
 *   // virsh -c d.uri() list --all
 * } finally {
 *   await d.stop();
 * }
 * ```
 */
export async function startPrivateLibvirtd(
  options: PrivateLibvirtdOptions = {},
): Promise<PrivateLibvirtd> {
  const dir = await makeDaemonDir();
  // QEMU runs as its own user: it may reach disk images placed in the directory, not list it.
  await Deno.chmod(dir, 0o711);
  const tcpPort = options.tcp ? freeTcpPort() : undefined;
  const tlsPort = options.tls ? freeTcpPort() : undefined;
  const pki = `${dir}/pki`;
  if (tlsPort) await makePki(pki);
  const socketPath = `${dir}/libvirt-sock`;
  const logPath = `${dir}/libvirtd.log`;
  const conf = [
    `unix_sock_dir = "${dir}"`,
    `unix_sock_group = "root"`,
    `unix_sock_rw_perms = "0700"`,
    `auth_unix_rw = "none"`,
    `auth_unix_ro = "none"`,
    `listen_tls = ${tlsPort ? 1 : 0}`,
    `tls_port = "${tlsPort ?? 16514}"`,
    `auth_tls = "none"`,
    `ca_file = "${pki}/cacert.pem"`,
    `cert_file = "${pki}/servercert.pem"`,
    `key_file = "${pki}/serverkey.pem"`,
    `listen_tcp = ${tcpPort ? 1 : 0}`,
    `listen_addr = "127.0.0.1"`,
    `tcp_port = "${tcpPort ?? 16509}"`,
    `auth_tcp = "none"`,
    `mdns_adv = 0`,
    `log_outputs = "3:file:${logPath}"`,
    "",
  ].join("\n");
  await Deno.writeTextFile(`${dir}/libvirtd.conf`, conf);
  // Guests' VNC servers take ports from a range of this daemon's own: two daemons started at once
  // would otherwise both pick 5900 and one guest would fail to start.
  const vnc = freeTcpPort();
  await Deno.writeTextFile(
    `${dir}/qemu.conf`,
    `${readText("/etc/libvirt/qemu.conf")}\nremote_display_port_min = ${vnc}\n` +
      `remote_display_port_max = ${Math.min(vnc + 15, 65535)}\n`,
  );

  // Bind mounts of directories inside `dir` (rather than tmpfs) keep the daemon's state visible
  // from outside its namespace, so stop() can find guest pid files.
  const tmp = Deno.env.get("TMPDIR") || "/tmp";
  const cacheDir = options.cacheDir === undefined ? `${tmp}/vsh-libvirtd-cache` : options.cacheDir;
  const mounts = PRIVATE_DIRS.map((p, i) => {
    const source = p === "/var/cache/libvirt" && cacheDir ? cacheDir : `$D/m${i}`;
    return `mkdir -p "${p}" "${source}" && mount --bind "${source}" "${p}"`;
  });
  const script = [
    "set -e",
    `D="${dir}"`,
    ...mounts,
    "mkdir -p /var/log/libvirt/qemu",
    `touch /etc/libvirt/qemu.conf && mount --bind "$D/qemu.conf" /etc/libvirt/qemu.conf`,
    // virtlogd is a child of the shell that becomes libvirtd, and dies with it.
    `setpriv --pdeathsig SIGKILL virtlogd -p "$D/virtlogd.pid" &`,
    `exec libvirtd -f "$D/libvirtd.conf" -p "$D/libvirtd.pid"${
      tcpPort || tlsPort ? " --listen" : ""
    }`,
  ].join("\n");
  const stderrChunks: Uint8Array[] = [];
  const log = () =>
    new TextDecoder().decode(
      stderrChunks.reduce((a, b) => {
        const out = new Uint8Array(a.length + b.length);
        out.set(a);
        out.set(b, a.length);
        return out;
      }, new Uint8Array()),
    ) + readText(logPath);

  // One run of the daemon; restart() makes another in the same directory.
  interface Run {
    child: Deno.ChildProcess;
    exited: () => boolean;
    done: Promise<unknown>;
  }
  const launch = (): Run => {
    const child = new Deno.Command("unshare", {
      args: ["-m", "--propagation", "private", "/bin/sh", "-c", script],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderrDone = (async () => {
      for await (const chunk of child.stderr) stderrChunks.push(chunk);
    })();
    let exited = false;
    const status = child.status.then(() => {
      exited = true;
    });
    return { child, exited: () => exited, done: Promise.all([status, stderrDone]) };
  };
  let run: Run | null = launch();

  // Ends libvirtd (with `signal`) and virtlogd; `guests` also kills the QEMU processes.
  const halt = async (signal: Deno.Signal, guests: boolean) => {
    const pids: number[] = [];
    const current = run;
    run = null;
    if (current && !current.exited()) {
      try {
        current.child.kill(signal);
        // A frozen daemon (SIGSTOP) must wake up to die of SIGTERM.
        current.child.kill("SIGCONT");
      } catch {
        // exited meanwhile
      }
      pids.push(current.child.pid);
    }
    const logd = killPidFile(`${dir}/virtlogd.pid`, "SIGTERM");
    if (logd) pids.push(logd);
    const runDir = `${dir}/m0`;
    for (const sub of guests ? ["qemu", "lxc"] : []) {
      try {
        for (const entry of Deno.readDirSync(`${runDir}/${sub}`)) {
          if (!entry.name.endsWith(".pid")) continue;
          const pid = killPidFile(`${runDir}/${sub}/${entry.name}`, "SIGKILL");
          if (pid) pids.push(pid);
        }
      } catch {
        // no such driver state
      }
    }
    await waitGone(pids, 5000);
    await current?.done;
  };

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await halt("SIGTERM", true);
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };

  const waitReady = async () => {
    const deadline = Date.now() + (options.timeoutMs ?? 20000);
    const gone = () => run === null || run.exited();
    for (;;) {
      if (gone()) {
        const text = log();
        await stop();
        throw new Error(`private libvirtd exited during start-up:\n${text}`);
      }
      try {
        const conn = await Deno.connect({ transport: "unix", path: socketPath });
        conn.close();
        break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        const text = log();
        await stop();
        throw new Error(`private libvirtd did not open ${socketPath} in time:\n${text}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const port of [tcpPort, tlsPort]) {
      if (!port) continue;
      for (;;) {
        try {
          const conn = await Deno.connect({ hostname: "127.0.0.1", port });
          conn.close();
          break;
        } catch {
          if (Date.now() > deadline || gone()) {
            const text = log();
            await stop();
            throw new Error(`private libvirtd did not listen on port ${port}:\n${text}`);
          }
          await new Promise((r) => setTimeout(r, 25));
        }
      }
    }
  };
  await waitReady();

  return {
    dir,
    socketPath,
    readonlySocketPath: `${dir}/libvirt-sock-ro`,
    tcpPort,
    tlsPort,
    pkiPath: tlsPort ? `${pki}/client` : undefined,
    uri(driverUri = "test:///default") {
      const m = /^([a-z0-9]+)(?:\+[a-z]+)?:\/\/\/([^?]*)(\?.*)?$/i.exec(driverUri);
      if (!m) throw new Error(`not a local driver URI: ${driverUri}`);
      const query = m[3] ? `${m[3]}&` : "?";
      return `${m[1]}+unix:///${m[2]}${query}socket=${socketPath}`;
    },
    log,
    get pid() {
      return run && !run.exited() ? run.child.pid : 0;
    },
    signal(sig: Deno.Signal) {
      if (run && !run.exited()) Deno.kill(run.child.pid, sig);
    },
    kill: () => halt("SIGKILL", false),
    async restart() {
      await halt("SIGTERM", false);
      // A killed daemon leaves its socket file behind; the new one binds afresh.
      for (const p of [socketPath, `${dir}/libvirt-sock-ro`, `${dir}/libvirt-admin-sock`]) {
        await Deno.remove(p).catch(() => {});
      }
      run = launch();
      await waitReady();
    },
    stop,
  };
}
