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
