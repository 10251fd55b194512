// Host-wide answers of the test driver: capabilities XML, sysinfo and node statistics.

import type { TestState } from "./state.ts";

/** The sysinfo document the test driver reports. */
export const SYSINFO_XML = `<sysinfo type='smbios'>
  <bios>
    <entry name='vendor'>LENOVO</entry>
    <entry name='version'>G4ETA1WW (2.61 )</entry>
    <entry name='date'>05/07/2014</entry>
    <entry name='release'>2.61</entry>
  </bios>
</sysinfo>
`;

/** Host page sizes in KiB, as the test driver's capabilities list them. */
const PAGE_SIZES = [4, 8, 2048, 1048576];

/** Build the capabilities XML of a test hypervisor from its NUMA cells. */
export function capabilitiesXml(state: TestState): string {
  const out: string[] = ["<capabilities>\n\n  <host>\n    <cpu>\n      <arch>i686</arch>\n"];
  out.push("      <features>\n        <pae/>\n        <nonpae/>\n      </features>\n");
  for (const p of PAGE_SIZES) out.push(`      <pages unit='KiB' size='${p}'/>\n`);
  out.push("    </cpu>\n    <power_management/>\n    <iommu support='no'/>\n");
  if (state.cells.length) {
    out.push("    <topology>\n");
    out.push(`      <cells num='${state.cells.length}'>\n`);
    let cpuId = 0;
    state.cells.forEach((cell, i) => {
      out.push(`        <cell id='${i}'>\n`);
      out.push(`          <memory unit='KiB'>${cell.mem}</memory>\n`);
      const first = i === 1 ? PAGE_SIZES[1] : PAGE_SIZES[0];
      out.push(
        `          <pages unit='KiB' size='${first}'>${Math.floor(cell.mem / first)}</pages>\n`,
      );
      for (const p of PAGE_SIZES.slice(2)) {
        out.push(`          <pages unit='KiB' size='${p}'>0</pages>\n`);
      }
      out.push(`          <cpus num='${cell.numCpus}'>\n`);
      for (let c = 0; c < cell.numCpus; c++, cpuId++) {
        out.push(
          `            <cpu id='${cpuId}' socket_id='${i}' die_id='0' core_id='${c}' siblings='${cpuId}'/>\n`,
        );
      }
      out.push("          </cpus>\n        </cell>\n");
    });
    out.push("      </cells>\n    </topology>\n");
  }
  out.push(
    "    <secmodel>\n      <model>testSecurity</model>\n      <doi></doi>\n    </secmodel>\n",
  );
  out.push("  </host>\n\n");
  for (const os of ["hvm", "xen"]) {
    out.push(`  <guest>\n    <os_type>${os}</os_type>\n    <arch name='i686'>\n`);
    out.push("      <wordsize>32</wordsize>\n      <emulator>/usr/bin/test-hv</emulator>\n");
    out.push("      <domain type='test'/>\n    </arch>\n");
    out.push("    <features>\n      <pae/>\n      <nonpae/>\n    </features>\n  </guest>\n\n");
  }
  out.push("</capabilities>\n");
  return out.join("");
}

/** The fixed host CPU statistics of the test driver (nanoseconds). */
export const NODE_CPU_STATS: [string, bigint][] = [
  ["user", 9797400000n],
  ["kernel", 34678723400000n],
  ["idle", 87264900000n],
  ["iowait", 763600000n],
];

const X86_MODELS = ("486 pentium pentium2 pentium3 pentiumpro coreduo n270 core2duo qemu32 kvm32 " +
  "cpu64-rhel5 cpu64-rhel6 qemu64 kvm64 Conroe Penryn Nehalem Nehalem-IBRS Westmere " +
  "Westmere-IBRS SandyBridge SandyBridge-IBRS IvyBridge IvyBridge-IBRS Haswell-noTSX " +
  "Haswell-noTSX-IBRS Haswell Haswell-IBRS Broadwell-noTSX Broadwell-noTSX-IBRS Broadwell " +
  "Broadwell-IBRS Skylake-Client Skylake-Client-IBRS Skylake-Client-noTSX-IBRS Skylake-Server " +
  "Skylake-Server-IBRS Skylake-Server-noTSX-IBRS Cascadelake-Server Cascadelake-Server-noTSX " +
  "Icelake-Client Icelake-Client-noTSX Icelake-Server Icelake-Server-noTSX Cooperlake Snowridge " +
  "athlon phenom Opteron_G1 Opteron_G2 Opteron_G3 Opteron_G4 Opteron_G5 EPYC EPYC-IBPB " +
  "EPYC-Rome EPYC-Milan Dhyana").split(" ");

const PPC64_MODELS = "POWER6 POWER7 POWER8 POWER9 POWER10 POWERPC_e5500 POWERPC_e6500".split(" ");

/** Architecture names libvirt knows (virArch). */
const ARCHES = new Set(
  ("alpha armv6l armv7l armv7b aarch64 cris i686 ia64 lm32 loongarch64 m68k microblaze " +
    "microblazeel mips mipsel mips64 mips64el openrisc parisc parisc64 ppc ppcle ppc64 ppc64le " +
    "ppcemb riscv32 riscv64 s390 s390x sh4 sh4eb sparc sparc64 unicore32 x86_64 xtensa xtensaeb")
    .split(" "),
);

/**
 * The CPU models of libvirt 9.0's CPU map for an architecture, or undefined when libvirt does
 * not know the architecture at all.
 */
export function cpuModelNames(arch: string): string[] | undefined {
  if (!ARCHES.has(arch)) return undefined;
  if (arch === "i686" || arch === "x86_64") return X86_MODELS;
  if (arch === "ppc64" || arch === "ppc64le") return PPC64_MODELS;
  return [];
}
