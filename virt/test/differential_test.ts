// The embedded driver and a real libvirtd's test:///default answer the same procedures with the
// same results and the same errors (code, domain, message). Values derived from the clock are
// compared by shape only.

import { assertEquals } from "../../test/assert.ts";
import { startPrivateLibvirtd } from "../../test/harness/libvirtd.ts";
import type { Driver } from "../driver.ts";
import { VirtError } from "../errors.ts";
import { connectUnix, RemoteClient } from "../remote/mod.ts";
import type { ProcArgs, ProcName } from "../remote/protocol.ts";
import { openTestDriver } from "./mod.ts";
import { scrubRandom } from "./testutil_test.ts";

type Step = [ProcName, (refs: Refs) => unknown];
type Refs = Record<string, unknown>;

/** Fields whose values come from the wall clock in libvirt's test driver. */
const CLOCK_FIELDS = new Set([
  "cpuTime",
  "cpu_time",
  "rd_req",
  "rd_bytes",
  "wr_req",
  "wr_bytes",
  "errs",
  "rx_bytes",
  "rx_packets",
  "rx_errs",
  "rx_drop",
  "tx_bytes",
  "tx_packets",
  "tx_errs",
  "tx_drop",
]);

/** Lists libvirt returns in hash-table order, seeded at random: compared sorted by name. */
const UNORDERED = new Set(["domains", "nets", "pools", "ifaces", "vols", "names", "ids"]);

function sortByName(list: unknown[]): unknown[] {
  const key = (x: unknown) =>
    typeof x === "object" && x !== null && "name" in x ? String(x.name) : String(x);
  return [...list].sort((a, b) => key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);
}

function normalize(v: unknown): unknown {
  if (typeof v === "string") return scrubRandom(v);
  if (v instanceof Uint8Array) return [...v];
  if (Array.isArray(v)) return v.map(normalize);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (CLOCK_FIELDS.has(k)) out[k] = typeof x;
      else if (UNORDERED.has(k) && Array.isArray(x)) out[k] = normalize(sortByName(x));
      else out[k] = normalize(x);
    }
    return out;
  }
  return v;
}

function big(_k: string, v: unknown): unknown {
  return typeof v === "bigint" ? `${v}n` : v;
}

async function run(drv: Driver, steps: Step[]): Promise<unknown[]> {
  const refs: Refs = {};
  const out: unknown[] = [];
  for (const [proc, args] of steps) {
    try {
      const r = await drv.call(proc, args(refs) as ProcArgs<typeof proc>);
      if (r && typeof r === "object") {
        for (const k of ["dom", "net", "pool", "iface", "vol"]) {
          if (k in r) refs[k] = (r as Record<string, unknown>)[k];
        }
      }
      out.push([proc, normalize(r)]);
    } catch (e) {
      if (!(e instanceof VirtError)) throw e;
      out.push([proc, "error", e.code, e.domain, e.message]);
    }
  }
  return out;
}

const name = (n: string) => () => ({ name: n });
const ull = (field: string, value: bigint) => ({ field, value: { type: 4, value } });

/** A networkUpdate on the default network followed by a look at its XML. */
function netUpdate(section: number, command: number, xml: string): Step[] {
  return [
    ["networkLookupByName", name("default")],
    ["networkUpdate", (r) => ({ net: r.net, command, section, parentIndex: -1, xml, flags: 0 })],
    ["networkGetXmlDesc", (r) => ({ net: r.net, flags: 0 })],
  ];
}
const dom = (extra: Record<string, unknown> = {}) => (r: Refs) => ({ dom: r.dom, ...extra });
const byName = (n: string): Step => ["domainLookupByName", name(n)];

const DEFINE_XML = `<domain type='test'>
  <name>diff</name>
  <uuid>0bd1a5a2-52b2-4e0f-8b57-0f2b8e0f1f11</uuid>
  <memory unit='MiB'>256</memory>
  <vcpu current='1'>2</vcpu>
  <os><type>hvm</type></os>
  <devices>
    <disk type='file' device='disk'><source file='/d.img'/><target dev='vda' bus='virtio'/></disk>
    <interface type='network'><source network='default'/><mac address='52:54:00:01:02:03'/></interface>
    <console type='pty'/>
  </devices>
</domain>`;

const LIVE_XML = `<domain type='test'>
  <name>live1</name>
  <uuid>5f4e3d2c-1b0a-4998-8776-655443322110</uuid>
  <memory unit='MiB'>64</memory>
  <vcpu>2</vcpu>
  <os><type>hvm</type></os>
  <on_reboot>destroy</on_reboot>
</domain>`;

const NET_ROUTED = `<network>
  <name>net2</name>
  <uuid>22222222-aaaa-bbbb-cccc-555555555555</uuid>
  <forward mode='route' dev='eth0'/>
  <bridge name='virbr5' stp='off'/>
  <mac address='52:54:00:AA:BB:CC'/>
  <domain name='example.org' localOnly='yes'/>
  <dns><host ip='192.168.5.10'><hostname>www</hostname></host></dns>
  <ip address='192.168.5.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.5.100' end='192.168.5.200'/>
      <host mac='52:54:00:00:00:10' name='h1' ip='192.168.5.10'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='2001:db8::1' prefix='64'/>
</network>`;

const POOL_XML = `<pool type='dir'>
  <name>p2</name>
  <uuid>11111111-aaaa-bbbb-cccc-555555555555</uuid>
  <target><path>/var/lib/p2</path></target>
</pool>`;

const VOL_XML = `<volume><name>a.qcow2</name><capacity unit='G'>2</capacity>
  <allocation>0</allocation><target><format type='qcow2'/></target></volume>`;

const IFACE_XML = `<interface type='bridge' name='br0'>
  <start mode='onboot'/>
  <protocol family='ipv4'><dhcp/></protocol>
  <bridge stp='off' delay='0.01'>
    <interface type='ethernet' name='eth0'><mac address='ab:bb:cc:dd:ee:ff'/></interface>
  </bridge>
</interface>`;

const STEPS: Step[] = [
  ["connectGetType", () => undefined],
  ["connectGetVersion", () => undefined],
  ["connectGetLibVersion", () => undefined],
  ["nodeGetInfo", () => undefined],
  ["connectGetCapabilities", () => undefined],
  ["connectGetSysinfo", () => ({ flags: 0 })],
  ["nodeGetCellsFreeMemory", () => ({ startCell: 0, maxcells: 4 })],
  ["nodeGetCellsFreeMemory", () => ({ startCell: 7, maxcells: 4 })],
  ["nodeGetFreeMemory", () => undefined],
  ["nodeGetSecurityModel", () => undefined],
  ["connectGetMaxVcpus", () => ({ type: null })],
  ["connectGetCpuModelNames", () => ({ arch: "x86_64", need_results: 1, flags: 0 })],
  ["connectGetCpuModelNames", () => ({ arch: "ppc64le", need_results: 1, flags: 0 })],
  ["connectGetCpuModelNames", () => ({ arch: "aarch64", need_results: 1, flags: 0 })],
  ["connectGetCpuModelNames", () => ({ arch: "i686", need_results: 0, flags: 0 })],
  ["connectGetCpuModelNames", () => ({ arch: "foo", need_results: 1, flags: 0 })],
  ["connectSupportsFeature", () => ({ feature: 9 })],
  ["connectSupportsFeature", () => ({ feature: 16 })],
  ["connectSupportsFeature", () => ({ feature: 4 })],
  ["connectIsSecure", () => undefined],
  ["nodeGetCpuStats", () => ({ cpuNum: -1, nparams: 0, flags: 0 })],
  ["nodeGetCpuStats", () => ({ cpuNum: -1, nparams: 4, flags: 0 })],
  ["nodeGetCpuMap", () => ({ need_map: 1, need_online: 1, flags: 0 })],
  ["connectListAllDomains", () => ({ need_results: 1, flags: 0 })],
  ["connectNumOfDomains", () => undefined],
  ["connectNumOfDefinedDomains", () => undefined],
  ["domainLookupByName", name("nosuch")],
  ["domainLookupById", () => ({ id: 42 })],
  byName("test"),
  ["domainGetInfo", dom()],
  ["domainGetState", dom({ flags: 0 })],
  ["domainGetXmlDesc", dom({ flags: 0 })],
  ["domainGetXmlDesc", dom({ flags: 4 })],
  ["domainGetOsType", dom()],
  ["domainGetMaxMemory", dom()],
  ["domainGetVcpusFlags", dom({ flags: 2 | 4 })],
  ["domainGetVcpus", dom({ maxinfo: 2, maplen: 1 })],
  ["domainGetVcpuPinInfo", dom({ ncpumaps: 2, maplen: 2, flags: 0 })],
  ["domainGetEmulatorPinInfo", dom({ maplen: 2, flags: 0 })],
  ["domainGetSecurityLabel", dom()],
  ["domainGetControlInfo", dom({ flags: 0 })],
  ["domainMemoryStats", dom({ maxStats: 13, flags: 0 })],
  ["domainGetBlockInfo", dom({ path: "vda", flags: 0 })],
  ["domainGetBlockInfo", dom({ path: "vdz", flags: 0 })],
  ["domainBlockStats", dom({ path: "vda" })],
  ["domainBlockStats", dom({ path: "nope" })],
  ["domainInterfaceStats", dom({ path: "testnet0" })],
  ["domainInterfaceStats", dom({ path: "vnet7" })],
  ["domainGetMemoryParameters", dom({ nparams: 0, flags: 0 })],
  ["domainGetMemoryParameters", dom({ nparams: 3, flags: 0 })],
  ["domainGetNumaParameters", dom({ nparams: 2, flags: 0 })],
  ["domainGetBlkioParameters", dom({ nparams: 6, flags: 0 })],
  ["domainGetInterfaceParameters", dom({ device: "testnet0", nparams: 7, flags: 0 })],
  ["domainGetBlockIoTune", dom({ disk: "vda", nparams: 20, flags: 0 })],
  ["domainGetBlockIoTune", dom({ disk: "vdq", nparams: 20, flags: 0 })],
  ["domainGetPerfEvents", dom({ flags: 0 })],
  ["domainSetMemoryParameters", dom({ params: [ull("hard_limit", 1048576n)], flags: 0 })],
  ["domainSetMemoryParameters", dom({ params: [ull("swap_hard_limit", 1000n)], flags: 0 })],
  [
    "domainSetMemoryParameters",
    dom({
      params: [ull("soft_limit", 524288n), ull("swap_hard_limit", 2097152n)],
      flags: 0,
    }),
  ],
  ["domainSetMemoryParameters", dom({ params: [ull("bogus", 1n)], flags: 0 })],
  [
    "domainSetMemoryParameters",
    dom({
      params: [{ field: "hard_limit", value: { type: 1, value: 5 } }],
      flags: 0,
    }),
  ],
  ["domainGetMemoryParameters", dom({ nparams: 3, flags: 0 })],
  [
    "domainSetBlkioParameters",
    dom({
      params: [{ field: "weight", value: { type: 2, value: 500 } }, {
        field: "device_weight",
        value: { type: 7, value: "/dev/sda,300" },
      }],
      flags: 0,
    }),
  ],
  ["domainGetBlkioParameters", dom({ nparams: 6, flags: 4 })],
  [
    "domainSetPerfEvents",
    dom({
      params: [{ field: "cmt", value: { type: 6, value: 1 } }, {
        field: "cpu_cycles",
        value: { type: 6, value: 0 },
      }],
      flags: 0,
    }),
  ],
  ["domainGetPerfEvents", dom({ flags: 0 })],
  [
    "domainSetNumaParameters",
    dom({
      params: [{ field: "numa_nodeset", value: { type: 7, value: "0-1" } }],
      flags: 0,
    }),
  ],
  [
    "domainSetNumaParameters",
    dom({
      params: [{ field: "numa_mode", value: { type: 1, value: 2 } }],
      flags: 0,
    }),
  ],
  [
    "domainSetNumaParameters",
    dom({
      params: [{ field: "numa_mode", value: { type: 1, value: 9 } }],
      flags: 0,
    }),
  ],
  ["domainGetNumaParameters", dom({ nparams: 2, flags: 4 })],
  [
    "domainSetInterfaceParameters",
    dom({
      device: "testnet0",
      params: [
        { field: "inbound.average", value: { type: 2, value: 1000 } },
        { field: "inbound.peak", value: { type: 2, value: 2000 } },
        { field: "outbound.average", value: { type: 2, value: 500 } },
      ],
      flags: 0,
    }),
  ],
  ["domainGetInterfaceParameters", dom({ device: "testnet0", nparams: 7, flags: 0 })],
  [
    "domainSetInterfaceParameters",
    dom({
      device: "nope0",
      params: [{ field: "inbound.average", value: { type: 2, value: 1 } }],
      flags: 0,
    }),
  ],
  [
    "domainSetBlockIoTune",
    dom({
      disk: "vda",
      params: [ull("total_bytes_sec", 1000n), ull("read_iops_sec", 50n)],
      flags: 0,
    }),
  ],
  ["domainSetBlockIoTune", dom({ disk: "vda", params: [ull("read_bytes_sec", 5n)], flags: 0 })],
  ["domainSetBlockIoTune", dom({ disk: "vdz", params: [ull("read_bytes_sec", 5n)], flags: 0 })],
  [
    "domainSetBlockIoTune",
    dom({
      disk: "vda",
      params: [
        ull("total_bytes_sec", 1000n),
        ull("total_bytes_sec_max", 2000n),
        ull("read_iops_sec_max", 30n),
        { field: "group_name", value: { type: 7, value: "grp" } },
      ],
      flags: 0,
    }),
  ],
  ["domainGetBlockIoTune", dom({ disk: "vda", nparams: 20, flags: 4 })],
  ["domainGetXmlDesc", dom({ flags: 0 })],
  ["domainGetSchedulerType", dom()],
  [
    "domainSetSchedulerParametersFlags",
    dom({
      params: [{ field: "weight", value: { type: 2, value: 10 } }],
      flags: 0,
    }),
  ],
  ["domainSetSchedulerParametersFlags", dom({ params: [ull("cap", 1n)], flags: 0 })],
  ["domainSetSchedulerParametersFlags", dom({ params: [ull("weight", 1n)], flags: 0 })],
  ["domainFsfreeze", dom({ mountpoints: [], flags: 0 })],
  ["domainFsfreeze", dom({ mountpoints: ["/"], flags: 0 })],
  ["domainFsthaw", dom({ mountpoints: ["/boot", "/"], flags: 0 })],
  ["domainFsthaw", dom({ mountpoints: ["/x"], flags: 0 })],
  ["domainFstrim", dom({ mountPoint: "/boot", minimum: 0n, flags: 0 })],
  ["domainGetFsinfo", dom({ flags: 0 })],
  ["domainInterfaceAddresses", dom({ source: 0, flags: 0 })],
  ["domainGetMessages", dom({ flags: 0 })],
  ["domainGetCpuStats", dom({ nparams: 0, start_cpu: -1, ncpus: 1, flags: 0 })],
  ["domainGetCpuStats", dom({ nparams: 3, start_cpu: -1, ncpus: 1, flags: 0 })],
  ["domainGetCpuStats", dom({ nparams: 0, start_cpu: 0, ncpus: 0, flags: 0 })],
  ["domainGetCpuStats", dom({ nparams: 0, start_cpu: 0, ncpus: 1, flags: 0 })],
  ["domainGetCpuStats", dom({ nparams: 2, start_cpu: 0, ncpus: 2, flags: 0 })],
  ["domainGetCpuStats", dom({ nparams: 2, start_cpu: 7, ncpus: 1, flags: 0 })],
  ["domainGetTime", dom({ flags: 0 })],
  ["domainGetHostname", dom({ flags: 0 })],
  ["domainGetDiskErrors", dom({ maxerrors: 0, flags: 0 })],
  ["domainGetDiskErrors", dom({ maxerrors: 4, flags: 0 })],
  ["domainSendProcessSignal", dom({ pid_value: 2n, signum: 9, flags: 0 })],
  ["domainInjectNmi", dom({ flags: 0 })],
  ["domainGetMetadata", dom({ type: 0, uri: null, flags: 0 })],
  [
    "domainSetMetadata",
    dom({
      type: 2,
      metadata: "<app x='1'><item>a &amp; b</item><empty/></app>",
      key: "my",
      uri: "http://example.org/my/",
      flags: 0,
    }),
  ],
  ["domainGetMetadata", dom({ type: 2, uri: "http://example.org/my/", flags: 0 })],
  ["domainGetMetadata", dom({ type: 2, uri: "http://example.org/none/", flags: 0 })],
  ["domainGetXmlDesc", dom({ flags: 0 })],
  [
    "domainSetMetadata",
    dom({
      type: 2,
      metadata: null,
      key: null,
      uri: "http://example.org/my/",
      flags: 0,
    }),
  ],
  ["domainSetMetadata", dom({ type: 1, metadata: "a\nb", key: null, uri: null, flags: 0 })],
  ["domainSetMetadata", dom({ type: 1, metadata: "Title", key: null, uri: null, flags: 2 })],
  ["domainGetMetadata", dom({ type: 1, uri: null, flags: 2 })],
  ["domainGetMetadata", dom({ type: 1, uri: null, flags: 1 })],
  ["domainSetMetadata", dom({ type: 0, metadata: "hello", key: null, uri: null, flags: 0 })],
  ["domainGetMetadata", dom({ type: 0, uri: null, flags: 0 })],
  ["domainSetMemoryFlags", dom({ memory: 1048576n, flags: 0 })],
  ["domainSetMemoryFlags", dom({ memory: 99999999999n, flags: 0 })],
  ["domainSetMemoryFlags", dom({ memory: 1024n, flags: 4 })],
  ["domainSetMemoryFlags", dom({ memory: 4194304n, flags: 2 | 4 })],
  ["domainSetVcpusFlags", dom({ nvcpus: 1, flags: 0 })],
  ["domainSetVcpusFlags", dom({ nvcpus: 3, flags: 0 })],
  ["domainPinVcpu", dom({ vcpu: 0, cpumap: new Uint8Array([0x06]) })],
  ["domainPinVcpu", dom({ vcpu: 1, cpumap: new Uint8Array([0x01]) })],
  ["domainPinVcpuFlags", dom({ vcpu: 0, cpumap: new Uint8Array([0x01]), flags: 2 })],
  ["domainPinEmulator", dom({ cpumap: new Uint8Array([0x0f]), flags: 0 })],
  ["domainPinEmulator", dom({ cpumap: new Uint8Array([0x10]), flags: 2 })],
  ["domainPinEmulator", dom({ cpumap: new Uint8Array([0]), flags: 0 })],
  ["domainGetVcpuPinInfo", dom({ ncpumaps: 2, maplen: 1, flags: 0 })],
  ["domainGetEmulatorPinInfo", dom({ maplen: 1, flags: 2 })],
  ["domainGetVcpus", dom({ maxinfo: 2, maplen: 1 })],
  ["domainGetXmlDesc", dom({ flags: 0 })],
  ["domainGetXmlDesc", dom({ flags: 2 })],
  ["domainSuspend", dom()],
  ["domainSuspend", dom()],
  ["domainGetState", dom({ flags: 0 })],
  ["domainResume", dom()],
  ["domainResume", dom()],
  ["domainShutdown", dom()],
  ["domainGetState", dom({ flags: 0 })],
  ["domainDestroy", dom()],
  ["domainRename", dom({ new_name: "test2", flags: 0 })],
  ["domainLookupByName", name("test2")],
  ["domainCreate", dom()],
  ["domainLookupByName", name("test2")],
  ["domainGetState", dom({ flags: 0 })],
  ["domainManagedSave", dom({ flags: 0 })],
  ["domainHasManagedSaveImage", dom({ flags: 0 })],
  ["connectListAllDomains", () => ({ need_results: 1, flags: 256 })],
  ["domainUndefine", dom()],
  ["domainManagedSaveRemove", dom({ flags: 0 })],
  ["domainSetAutostart", dom({ autostart: 1 })],
  ["domainGetAutostart", dom()],
  ["connectListAllDomains", () => ({ need_results: 1, flags: 1024 })],
  ["domainDefineXml", () => ({ xml: DEFINE_XML })],
  ["domainGetXmlDesc", dom({ flags: 0 })],
  ["domainDefineXml", () => ({ xml: DEFINE_XML.replace("0bd1", "0bd2") })],
  ["domainCreateWithFlags", dom({ flags: 0 })],
  ["domainGetXmlDesc", dom({ flags: 0 })],
  ["domainGetVcpus", dom({ maxinfo: 4, maplen: 2 })],
  ["domainUndefineFlags", dom({ flags: 4 })],
  ["domainUndefineFlags", dom({ flags: 0 })],
  ["domainIsPersistent", dom()],
  ["domainDestroy", dom()],
  ["domainLookupByName", name("diff")],
  ["domainCreateXml", () => ({ xml_desc: DEFINE_XML, flags: 0 })],
  ["domainIsActive", dom()],
  ["domainIsPersistent", dom()],
  ["connectListDomains", () => ({ maxids: 10 })],
  ["connectListDefinedDomains", () => ({ maxnames: 10 })],
  ["domainDefineXml", () => ({ xml: "<domain type='test'><name>x</name></domain>" })],
  ["domainDefineXml", () => ({ xml: "<domain" })],
  ["connectListAllNetworks", () => ({ need_results: 1, flags: 0 })],
  ["networkLookupByName", name("default")],
  ["networkGetXmlDesc", (r) => ({ net: r.net, flags: 0 })],
  ["networkGetBridgeName", (r) => ({ net: r.net })],
  ["networkIsActive", (r) => ({ net: r.net })],
  ["networkLookupByName", name("nosuch")],
  ...netUpdate(4, 3, "<host mac='52:54:00:00:00:01' ip='192.168.122.45'/>"),
  ...netUpdate(4, 4, "<host mac='52:54:00:00:00:02' name='b' ip='192.168.122.46'/>"),
  ...netUpdate(4, 3, "<host mac='52:54:00:00:00:01' ip='192.168.122.47'/>"),
  ...netUpdate(4, 1, "<host mac='52:54:00:00:00:01' ip='192.168.122.48'/>"),
  ...netUpdate(4, 1, "<host mac='52:54:00:00:00:09' ip='192.168.122.49'/>"),
  ...netUpdate(4, 2, "<host mac='52:54:00:00:00:02'/>"),
  ...netUpdate(4, 2, "<host mac='52:54:00:00:00:02'/>"),
  ...netUpdate(5, 3, "<range start='192.168.122.100' end='192.168.122.110'/>"),
  ...netUpdate(5, 3, "<range start='192.168.122.100' end='192.168.122.110'/>"),
  ...netUpdate(5, 1, "<range start='192.168.122.100' end='192.168.122.110'/>"),
  ...netUpdate(5, 2, "<range start='192.168.122.100' end='192.168.122.110'/>"),
  ...netUpdate(10, 4, "<host ip='192.168.122.2'><hostname>foo</hostname></host>"),
  ...netUpdate(10, 3, "<host ip='192.168.122.3'><hostname>bar</hostname></host>"),
  ...netUpdate(10, 3, "<host ip='192.168.122.3'><hostname>baz</hostname></host>"),
  ...netUpdate(10, 2, "<host ip='192.168.122.2'><hostname>foo</hostname></host>"),
  ...netUpdate(10, 2, "<host ip='192.168.122.9'><hostname>nope</hostname></host>"),
  ...netUpdate(1, 1, "<bridge name='virbr9'/>"),
  ...netUpdate(11, 3, "<txt name='t' value='v'/>"),
  ...netUpdate(11, 3, "<txt name='t' value='w'/>"),
  ...netUpdate(12, 4, "<srv service='s' protocol='tcp' domain='d' target='.' port='1'/>"),
  ...netUpdate(12, 1, "<srv service='s' protocol='tcp'/>"),
  ...netUpdate(12, 2, "<srv service='s'/>"),
  ...netUpdate(11, 2, "<txt name='t'/>"),
  ...netUpdate(10, 1, "<host ip='192.168.122.3'/>"),
  ...netUpdate(4, 4, "<host mac='5:4:0:0:0:2'/>"),
  ...netUpdate(4, 4, "<host mac='4:4:0:0:0:2' ip='192.168.122.60'/>"),
  ...netUpdate(4, 4, "<host mac='zz' ip='192.168.122.61'/>"),
  ...netUpdate(7, 3, "<interface dev='eth9'/>"),
  ...netUpdate(4, 3, "<hots/>"),
  ...netUpdate(4, 3, "<range start='1.2.3.4' end='1.2.3.5'/>"),
  ["networkDefineXml", () => ({ xml: NET_ROUTED })],
  ["networkGetXmlDesc", (r) => ({ net: r.net, flags: 0 })],
  ["networkCreate", (r) => ({ net: r.net })],
  ["networkCreate", (r) => ({ net: r.net })],
  ["networkUndefine", (r) => ({ net: r.net })],
  ["networkSetAutostart", (r) => ({ net: r.net, autostart: 1 })],
  ["connectListAllNetworks", () => ({ need_results: 1, flags: 16 })],
  ["networkDestroy", (r) => ({ net: r.net })],
  ["networkUndefine", (r) => ({ net: r.net })],
  [
    "networkCreateXml",
    () => ({
      xml: "<network><name>iso</name><uuid>33333333-aaaa-bbbb-cccc-555555555555</uuid></network>",
    }),
  ],
  ["networkGetXmlDesc", (r) => ({ net: r.net, flags: 0 })],
  ["networkIsPersistent", (r) => ({ net: r.net })],
  ["networkGetBridgeName", (r) => ({ net: r.net })],
  ["networkDestroy", (r) => ({ net: r.net })],
  [
    "networkDefineXml",
    () => ({
      xml:
        "<network><name>br</name><uuid>44444444-aaaa-bbbb-cccc-555555555555</uuid><forward mode='bridge'/></network>",
    }),
  ],
  ["networkGetXmlDesc", (r) => ({ net: r.net, flags: 0 })],
  ["connectListAllNetworks", () => ({ need_results: 1, flags: 1 })],
  ["connectListAllStoragePools", () => ({ need_results: 1, flags: 0 })],
  ["storagePoolLookupByName", name("default-pool")],
  ["storagePoolGetInfo", (r) => ({ pool: r.pool })],
  ["storagePoolGetXmlDesc", (r) => ({ pool: r.pool, flags: 0 })],
  ["storagePoolListAllVolumes", (r) => ({ pool: r.pool, need_results: 1, flags: 0 })],
  ["storagePoolLookupByName", name("nosuch")],
  ["connectListAllInterfaces", () => ({ need_results: 1, flags: 0 })],
  ["interfaceLookupByName", name("eth1")],
  ["interfaceGetXmlDesc", (r) => ({ iface: r.iface, flags: 0 })],
  ["interfaceLookupByName", name("nosuch")],
  ["nodeGetMemoryStats", () => ({ nparams: 0, cellNum: -1, flags: 0 })],
  ["domainDefineXml", () => ({ xml: LIVE_XML })],
  ["domainCreateWithFlags", dom({ flags: 0 })],
  ["domainLookupById", (r) => ({ id: (r.dom as { id: number }).id })],
  [
    "domainDefineXml",
    () => ({ xml: LIVE_XML.replace("<memory unit='MiB'>64", "<memory unit='MiB'>96") }),
  ],
  ["domainGetXmlDesc", dom({ flags: 0 })],
  ["domainGetXmlDesc", dom({ flags: 2 })],
  ["domainSetMemoryFlags", dom({ memory: 32768n, flags: 1 })],
  ["domainSetMemoryFlags", dom({ memory: 49152n, flags: 2 })],
  ["domainSetMemoryFlags", dom({ memory: 131072n, flags: 2 | 4 })],
  ["domainSetMemoryFlags", dom({ memory: 131072n, flags: 1 | 4 })],
  ["domainSetVcpusFlags", dom({ nvcpus: 1, flags: 2 | 4 })],
  ["domainGetVcpusFlags", dom({ flags: 2 | 4 })],
  ["domainGetVcpusFlags", dom({ flags: 1 })],
  ["domainGetInfo", dom()],
  ["domainGetXmlDesc", dom({ flags: 2 })],
  ["domainUndefineFlags", dom({ flags: 0 })],
  ["domainIsPersistent", dom()],
  ["domainGetXmlDesc", dom({ flags: 2 })],
  ["domainSetMemoryFlags", dom({ memory: 32768n, flags: 2 })],
  ["domainLookupByUuid", (r) => ({ uuid: (r.dom as { uuid: Uint8Array }).uuid })],
  ["domainShutdown", dom()],
  ["domainLookupByName", name("live1")],
  ["domainCreateXml", () => ({ xml_desc: LIVE_XML, flags: 0 })],
  ["domainCreateXml", () => ({ xml_desc: LIVE_XML, flags: 0 })],
  ["domainDefineXml", () => ({ xml: LIVE_XML.replace("live1", "live2") })],
  ["domainReboot", dom({ flags: 0 })],
  ["domainReset", dom({ flags: 0 })],
  ["domainGetState", dom({ flags: 0 })],
  ["domainDestroyFlags", dom({ flags: 0 })],
  ["domainLookupByName", name("live1")],
  ["storagePoolDefineXml", () => ({ xml: POOL_XML, flags: 0 })],
  ["storagePoolGetXmlDesc", (r) => ({ pool: r.pool, flags: 0 })],
  ["storagePoolGetInfo", (r) => ({ pool: r.pool })],
  ["storageVolCreateXml", (r) => ({ pool: r.pool, xml: VOL_XML, flags: 0 })],
  ["storagePoolBuild", (r) => ({ pool: r.pool, flags: 0 })],
  ["storagePoolCreate", (r) => ({ pool: r.pool, flags: 0 })],
  ["storagePoolCreate", (r) => ({ pool: r.pool, flags: 0 })],
  ["storageVolCreateXml", (r) => ({ pool: r.pool, xml: VOL_XML, flags: 0 })],
  ["storageVolGetXmlDesc", (r) => ({ vol: r.vol, flags: 0 })],
  ["storageVolGetInfo", (r) => ({ vol: r.vol })],
  ["storageVolGetPath", (r) => ({ vol: r.vol })],
  ["storageVolCreateXml", (r) => ({ pool: r.pool, xml: VOL_XML, flags: 0 })],
  ["storageVolCreateXmlFrom", (r) => ({
    pool: r.pool,
    xml: VOL_XML.replace("a.qcow2", "b.qcow2"),
    clonevol: r.vol,
    flags: 0,
  })],
  ["storagePoolGetInfo", (r) => ({ pool: r.pool })],
  ["storagePoolListAllVolumes", (r) => ({ pool: r.pool, need_results: 1, flags: 0 })],
  ["storageVolLookupByPath", () => ({ path: "/var/lib/p2/a.qcow2" })],
  ["storageVolLookupByKey", () => ({ key: "/nope" })],
  ["storageVolDelete", (r) => ({ vol: r.vol, flags: 0 })],
  ["storagePoolSetAutostart", (r) => ({ pool: r.pool, autostart: 1 })],
  ["storagePoolGetAutostart", (r) => ({ pool: r.pool })],
  ["storagePoolUndefine", (r) => ({ pool: r.pool })],
  ["storagePoolRefresh", (r) => ({ pool: r.pool, flags: 0 })],
  ["storagePoolDestroy", (r) => ({ pool: r.pool })],
  ["storagePoolUndefine", (r) => ({ pool: r.pool })],
  ["storagePoolCreateXml", () => ({ xml: POOL_XML, flags: 0 })],
  ["storagePoolIsPersistent", (r) => ({ pool: r.pool })],
  ["storagePoolSetAutostart", (r) => ({ pool: r.pool, autostart: 1 })],
  ["storagePoolDefineXml", () => ({ xml: POOL_XML.replace("<name>p2", "<name>p3"), flags: 0 })],
  ["storagePoolDestroy", () => ({ pool: { name: "p2", uuid: new Uint8Array(16) } })],
  ["connectListAllStoragePools", () => ({ need_results: 1, flags: 0 })],
  ["interfaceDefineXml", () => ({ xml: IFACE_XML, flags: 0 })],
  ["interfaceGetXmlDesc", (r) => ({ iface: r.iface, flags: 0 })],
  ["interfaceIsActive", (r) => ({ iface: r.iface })],
  ["interfaceCreate", (r) => ({ iface: r.iface, flags: 0 })],
  ["interfaceCreate", (r) => ({ iface: r.iface, flags: 0 })],
  ["interfaceChangeBegin", () => ({ flags: 0 })],
  ["interfaceChangeBegin", () => ({ flags: 0 })],
  ["interfaceDestroy", (r) => ({ iface: r.iface, flags: 0 })],
  ["interfaceUndefine", (r) => ({ iface: r.iface })],
  ["interfaceChangeRollback", () => ({ flags: 0 })],
  ["interfaceChangeCommit", () => ({ flags: 0 })],
  ["connectListAllInterfaces", () => ({ need_results: 1, flags: 0 })],
  ["interfaceLookupByMacString", () => ({ mac: "AA:BB:CC:DD:EE:FF" })],
];

Deno.test({
  name: "embedded driver and libvirtd's test:///default agree call by call",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const daemon = await startPrivateLibvirtd();
    try {
      const remote = await RemoteClient.open(await connectUnix(daemon.socketPath), {
        name: "test:///default",
        readonly: false,
      });
      let expected: unknown[];
      try {
        expected = await run(remote, STEPS);
      } finally {
        await remote.close();
      }
      const embedded = await openTestDriver("test:///default", { readonly: false });
      let got: unknown[];
      try {
        got = await run(embedded, STEPS);
      } finally {
        await embedded.close();
      }
      const differences = [];
      for (let i = 0; i < STEPS.length; i++) {
        if (JSON.stringify(got[i], big) !== JSON.stringify(expected[i], big)) {
          differences.push({ step: i, got: got[i], expected: expected[i] });
        }
      }
      assertEquals(differences, []);
    } finally {
      await daemon.stop();
    }
  },
});

/** Connect to a daemon socket that may appear a moment after the main one. */
async function connectSoon(path: string) {
  for (let i = 0;; i++) {
    try {
      return await connectUnix(path);
    } catch (e) {
      if (i >= 40) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Calls a read-only connection may and may not make. */
const READONLY_STEPS: Step[] = [
  byName("test"),
  ["domainGetInfo", dom()],
  ["domainGetXmlDesc", dom({ flags: 0 })],
  ["domainGetXmlDesc", dom({ flags: 1 })],
  ["domainDestroy", dom()],
  ["domainSuspend", dom()],
  ["domainSetMemoryFlags", dom({ memory: 1024n, flags: 0 })],
  ["domainDefineXml", () => ({ xml: DEFINE_XML })],
  ["domainSetAutostart", dom({ autostart: 1 })],
  ["domainManagedSave", dom({ flags: 0 })],
  ["domainGetVcpus", dom({ maxinfo: 2, maplen: 1 })],
  ["networkLookupByName", name("default")],
  ["networkDestroy", (r) => ({ net: r.net })],
  ["storagePoolLookupByName", name("default-pool")],
  ["storagePoolDestroy", (r) => ({ pool: r.pool })],
  ["interfaceLookupByName", name("eth1")],
  ["interfaceDestroy", (r) => ({ iface: r.iface, flags: 0 })],
  ["connectListAllDomains", () => ({ need_results: 1, flags: 0 })],
  byName("test"),
  ["domainGetHostname", dom({ flags: 0 })],
  ["domainGetTime", dom({ flags: 0 })],
  ["domainSetTime", dom({ seconds: 5n, nseconds: 0, flags: 0 })],
  ["domainMemoryStats", dom({ maxStats: 13, flags: 0 })],
  ["domainGetFsinfo", dom({ flags: 0 })],
  ["domainFsfreeze", dom({ mountpoints: [], flags: 0 })],
  ["domainFstrim", dom({ mountPoint: null, minimum: 0n, flags: 0 })],
  ["domainInterfaceAddresses", dom({ source: 0, flags: 0 })],
  ["domainGetSecurityLabel", dom()],
  ["domainGetVcpuPinInfo", dom({ ncpumaps: 2, maplen: 1, flags: 0 })],
  ["domainGetEmulatorPinInfo", dom({ maplen: 1, flags: 0 })],
  ["domainPinVcpu", dom({ vcpu: 0, cpumap: new Uint8Array([1]) })],
  ["domainPinEmulator", dom({ cpumap: new Uint8Array([1]), flags: 0 })],
  ["domainGetBlockInfo", dom({ path: "vda", flags: 0 })],
  ["domainBlockStats", dom({ path: "vda" })],
  ["domainInterfaceStats", dom({ path: "testnet0" })],
  ["domainGetSchedulerType", dom()],
  [
    "domainSetSchedulerParametersFlags",
    dom({
      params: [{ field: "weight", value: { type: 2, value: 10 } }],
      flags: 0,
    }),
  ],
  ["domainGetMetadata", dom({ type: 0, uri: null, flags: 0 })],
  ["domainSetMetadata", dom({ type: 0, metadata: "x", key: null, uri: null, flags: 0 })],
  ["domainGetControlInfo", dom({ flags: 0 })],
  ["domainGetDiskErrors", dom({ maxerrors: 1, flags: 0 })],
  ["domainGetCpuStats", dom({ nparams: 3, start_cpu: -1, ncpus: 1, flags: 0 })],
  ["domainGetMessages", dom({ flags: 0 })],
  ["domainGetMemoryParameters", dom({ nparams: 3, flags: 0 })],
  ["domainGetPerfEvents", dom({ flags: 0 })],
  ["domainRename", dom({ new_name: "x", flags: 0 })],
  ["domainReset", dom({ flags: 0 })],
  ["domainInjectNmi", dom({ flags: 0 })],
  ["domainSendProcessSignal", dom({ pid_value: 1n, signum: 9, flags: 0 })],
  ["domainCoreDump", dom({ to: "/nonexistent/x", flags: 0 })],
  ["domainSaveImageGetXmlDesc", () => ({ file: "/nonexistent/x", flags: 0 })],
  ["domainHasManagedSaveImage", dom({ flags: 0 })],
  ["domainManagedSaveRemove", dom({ flags: 0 })],
  ["domainSetVcpusFlags", dom({ nvcpus: 1, flags: 0 })],
  ["domainCreateXml", () => ({ xml_desc: DEFINE_XML, flags: 0 })],
  ["domainUndefine", dom()],
  ["connectGetCpuModelNames", () => ({ arch: "i686", need_results: 1, flags: 0 })],
  ["interfaceChangeBegin", () => ({ flags: 0 })],
  ["networkLookupByName", name("default")],
  ["networkUpdate", (r) => ({
    net: r.net,
    command: 3,
    section: 10,
    parentIndex: -1,
    xml: "<host ip='192.168.122.9'><hostname>x</hostname></host>",
    flags: 0,
  })],
  ["networkSetAutostart", (r) => ({ net: r.net, autostart: 1 })],
  ["storagePoolLookupByName", name("default-pool")],
  ["storagePoolRefresh", (r) => ({ pool: r.pool, flags: 0 })],
  ["storagePoolSetAutostart", (r) => ({ pool: r.pool, autostart: 1 })],
  ["storagePoolGetInfo", (r) => ({ pool: r.pool })],
];

Deno.test({
  name: "read-only connections are refused the same calls as libvirtd refuses",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const daemon = await startPrivateLibvirtd();
    try {
      const remote = await RemoteClient.open(await connectSoon(daemon.readonlySocketPath), {
        name: "test:///default",
        readonly: true,
      });
      let expected: unknown[];
      try {
        expected = await run(remote, READONLY_STEPS);
      } finally {
        await remote.close();
      }
      const embedded = await openTestDriver("test:///default", { readonly: true });
      let got: unknown[];
      try {
        got = await run(embedded, READONLY_STEPS);
      } finally {
        await embedded.close();
      }
      assertEquals(got, expected);
    } finally {
      await daemon.stop();
    }
  },
});

Deno.test({
  name: "a save image written by libvirtd restores in the embedded driver",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dir = await Deno.makeTempDir();
    const daemon = await startPrivateLibvirtd();
    try {
      const remote = await RemoteClient.open(await connectUnix(daemon.socketPath), {
        name: "test:///default",
        readonly: false,
      });
      try {
        const { dom } = await remote.call("domainLookupByName", { name: "test" });
        await remote.call("domainSave", { dom, to: `${dir}/libvirt.save` });
      } finally {
        await remote.close();
      }
      const drv = await openTestDriver("test:///default", { readonly: false });
      try {
        const { dom } = await drv.call("domainLookupByName", { name: "test" });
        await drv.call("domainDestroy", { dom });
        await drv.call("domainRestore", { from: `${dir}/libvirt.save` });
        assertEquals(await drv.call("domainGetState", { dom, flags: 0 }), { state: 1, reason: 3 });
      } finally {
        await drv.close();
      }
    } finally {
      await daemon.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

/** What a driver that delivers events offers (the remote client and the embedded driver). */
interface EventSource {
  onEvent(proc: ProcName, listener: (msg: unknown) => void): () => void;
}

async function collectEvents(drv: Driver & EventSource): Promise<unknown[]> {
  const seen: unknown[] = [];
  const procs: ProcName[] = [
    "domainEventCallbackLifecycle",
    "networkEventLifecycle",
    "storagePoolEventLifecycle",
    "storagePoolEventRefresh",
  ];
  const stops = procs.map((p) => drv.onEvent(p, (msg) => seen.push([p, normalize(msg)])));
  const domCb = await drv.call("connectDomainEventCallbackRegisterAny", { eventID: 0, dom: null });
  const netCb = await drv.call("connectNetworkEventRegisterAny", { eventID: 0, net: null });
  const poolCb = await drv.call("connectStoragePoolEventRegisterAny", { eventID: 0, pool: null });
  const refreshCb = await drv.call("connectStoragePoolEventRegisterAny", {
    eventID: 1,
    pool: null,
  });
  await run(drv, [
    byName("test"),
    ["domainSuspend", dom()],
    ["domainResume", dom()],
    ["domainDestroy", dom()],
    ["domainCreate", dom()],
    ["domainShutdown", dom()],
    ["domainRename", dom({ new_name: "renamed", flags: 0 })],
    ["domainDefineXml", () => ({ xml: LIVE_XML })],
    ["domainDefineXml", () => ({ xml: LIVE_XML })],
    [
      "domainCreateXml",
      () => ({ xml_desc: LIVE_XML.replace("live1", "t1").replace("5f4e", "6f4e"), flags: 0 }),
    ],
    ["domainDestroy", dom()],
    ["networkDefineXml", () => ({ xml: NET_ROUTED })],
    ["networkCreate", (r) => ({ net: r.net })],
    ["networkDestroy", (r) => ({ net: r.net })],
    ["networkUndefine", (r) => ({ net: r.net })],
    ["storagePoolDefineXml", () => ({ xml: POOL_XML, flags: 0 })],
    ["storagePoolBuild", (r) => ({ pool: r.pool, flags: 0 })],
    ["storagePoolCreate", (r) => ({ pool: r.pool, flags: 0 })],
    ["storagePoolRefresh", (r) => ({ pool: r.pool, flags: 0 })],
    ["storagePoolDestroy", (r) => ({ pool: r.pool })],
    ["storagePoolDelete", (r) => ({ pool: r.pool, flags: 0 })],
    ["storagePoolUndefine", (r) => ({ pool: r.pool })],
  ]);
  // Events travel after the calls' replies; give them a moment.
  await new Promise((r) => setTimeout(r, 300));
  await drv.call("connectDomainEventCallbackDeregisterAny", domCb);
  await drv.call("connectNetworkEventDeregisterAny", netCb);
  await drv.call("connectStoragePoolEventDeregisterAny", poolCb);
  await drv.call("connectStoragePoolEventDeregisterAny", refreshCb);
  for (const stop of stops) stop();
  return seen.map((e) =>
    JSON.parse(JSON.stringify(e, big).replace(/"callbackID":\d+/g, '"callbackID":0'))
  );
}

Deno.test({
  name: "lifecycle events reach registered callbacks as libvirtd sends them",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const daemon = await startPrivateLibvirtd();
    try {
      const remote = await RemoteClient.open(await connectUnix(daemon.socketPath), {
        name: "test:///default",
        readonly: false,
      });
      let expected: unknown[];
      try {
        expected = await collectEvents(remote as unknown as Driver & EventSource);
      } finally {
        await remote.close();
      }
      const embedded = await openTestDriver("test:///default", { readonly: false });
      let got: unknown[];
      try {
        got = await collectEvents(embedded as unknown as Driver & EventSource);
      } finally {
        await embedded.close();
      }
      assertEquals(got, expected);
    } finally {
      await daemon.stop();
    }
  },
});
