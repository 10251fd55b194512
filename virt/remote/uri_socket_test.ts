import { parseUri } from "../uri.ts";
import { VirtError } from "../errors.ts";
import { chooseUnixSocket, remoteTarget, type TargetEnv, tlsFiles } from "./uri_socket.ts";

function assert(cond: unknown, msg = "assertion failed"): asserts cond {
  if (!cond) throw new Error(msg);
}

function env(euid: number, vars: Record<string, string> = {}, existing: string[] = []): TargetEnv {
  return { euid, env: (n) => vars[n], exists: (p) => existing.includes(p) };
}

const root = env(0);

Deno.test("CONNECT_OPEN name drops transport, server and remote-only parameters", () => {
  // Each expected name was read from virsh's debug log ("proceeding with name = ...").
  const cases: [string, string][] = [
    [
      "test+unix:///default?socket=/nonexist&foo=bar%20x&no_verify=1",
      "test:///default?foo=bar%20x",
    ],
    ["qemu+tcp://root@127.0.0.1:1/system?keyfile=/x&Mode=direct", "qemu:///system"],
    ["remote+tcp://127.0.0.1:1/", ""],
    ["test+tcp://127.0.0.1:1/tmp/a%20b.xml", "test:///tmp/a%20b.xml"],
    ["qemu:///system?name=qemu:///session", "qemu:///session"],
    ["xen+unix:///?socket=/nonexist", "xen:///"],
  ];
  for (const [uri, name] of cases) {
    const t = remoteTarget(parseUri(uri), false, root);
    assert(t.name === name, `${uri}: ${t.name}`);
  }
});

Deno.test("transport and address follow libvirt's defaults", () => {
  const tcp = remoteTarget(parseUri("qemu+tcp://h/system"), false, root);
  assert(tcp.transport === "tcp" && tcp.host === "h" && tcp.port === 16509);
  const tls = remoteTarget(parseUri("qemu://h:1234/system"), false, root);
  assert(tls.transport === "tls" && tls.port === 1234);
  const ssh = remoteTarget(parseUri("qemu+ssh://me@h/system?keyfile=/k"), false, root);
  assert(ssh.transport === "ssh" && ssh.user === "me" && ssh.port === 22);
  assert(ssh.remoteParams.keyfile === "/k");
  const auth = remoteTarget(parseUri("qemu:///system?auth=polkit"), false, root);
  assert(auth.auth === "polkit" && auth.transport === "unix");
  for (const bad of ["qemu+bogus:///system", "qemu+unix://h/system"]) {
    let err: unknown;
    try {
      remoteTarget(parseUri(bad), false, root);
    } catch (e) {
      err = e;
    }
    assert(err instanceof VirtError && err.code === 8, bad);
  }
  let message = "";
  try {
    remoteTarget(parseUri("qemu+unix://h/system"), false, root);
  } catch (e) {
    message = (e as Error).message;
  }
  // as virsh prints it after "error: "
  assert(message === "invalid argument: using unix socket and remote server 'h' is not supported.");
});

Deno.test("unix socket: system, read-only, modular daemon, session, ?socket=", () => {
  const sock = (uri: string, ro: boolean, e: TargetEnv) => chooseUnixSocket(parseUri(uri), ro, e);
  assert(sock("qemu:///system", false, root) === "/var/run/libvirt/libvirt-sock");
  assert(sock("qemu:///system", true, root) === "/var/run/libvirt/libvirt-sock-ro");
  const modular = env(0, {}, ["/var/run/libvirt/virtqemud-sock"]);
  assert(sock("qemu:///system", false, modular) === "/var/run/libvirt/virtqemud-sock");
  assert(sock("qemu:///system?mode=legacy", false, modular) === "/var/run/libvirt/libvirt-sock");
  assert(
    sock("network:///system?mode=direct", true, root) === "/var/run/libvirt/virtnetworkd-sock-ro",
  );
  const user = env(1000, { XDG_RUNTIME_DIR: "/run/user/1000" });
  assert(sock("qemu:///session", false, user) === "/run/user/1000/libvirt/libvirt-sock");
  assert(sock("test+unix:///default", true, user) === "/run/user/1000/libvirt/libvirt-sock");
  assert(sock("qemu:///system", false, user) === "/var/run/libvirt/libvirt-sock");
  const noRuntime = env(1000, { HOME: "/home/u" });
  assert(sock("qemu:///session", false, noRuntime) === "/home/u/.cache/libvirt/libvirt-sock");
  const given = remoteTarget(parseUri("qemu:///system?socket=/tmp/s"), true, root);
  assert(given.socketPath === "/tmp/s");
});

Deno.test("TLS files: pkipath, root's system paths, user files with system fallback", () => {
  const target = (uri: string) => remoteTarget(parseUri(uri), false, root);
  const pki = tlsFiles(target("qemu+tls://h/system?pkipath=/p"), root);
  assert(pki.caCert === "/p/cacert.pem" && pki.clientKey === "/p/clientkey.pem");
  const sys = tlsFiles(target("qemu+tls://h/system"), root);
  assert(sys.caCert === "/etc/pki/CA/cacert.pem");
  assert(sys.clientCert === "/etc/pki/libvirt/clientcert.pem");
  assert(sys.clientKey === "/etc/pki/libvirt/private/clientkey.pem");
  const user = env(1000, { HOME: "/home/u" }, ["/home/u/.pki/libvirt/clientcert.pem"]);
  const u = tlsFiles(target("qemu+tls://h/system"), user);
  assert(u.caCert === "/etc/pki/CA/cacert.pem");
  assert(u.clientCert === "/home/u/.pki/libvirt/clientcert.pem");
  assert(u.clientKey === "/etc/pki/libvirt/private/clientkey.pem");
});
