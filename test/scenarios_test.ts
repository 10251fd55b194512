// Runs every scenario in test/scenarios through virsh and vsh and compares the results byte
// for byte. The oracle is Debian's virsh 9.0 (libvirt-clients).

import { findScenarios, normalize, runProgram } from "./scenario_runner.ts";

const root = new URL("..", import.meta.url).pathname;
const scenariosDir = `${root}test/scenarios`;

function haveVirsh(): boolean {
  try {
    return new Deno.Command("virsh", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

const virshPresent = haveVirsh();
const requireOracle = Deno.env.get("CI") === "true";
const scenarios = findScenarios(scenariosDir);
const filter = Deno.env.get("VSH_SCENARIO");

if (!virshPresent && requireOracle) {
  Deno.test("virsh is installed (the scenarios' oracle)", () => {
    throw new Error("virsh not found: install libvirt-clients");
  });
}

for (const scenario of scenarios) {
  if (filter && !scenario.name.includes(filter)) continue;
  Deno.test({
    name: `scenario ${scenario.name}`,
    ignore: !virshPresent,
    sanitizeResources: false,
    sanitizeOps: false,
    async fn() {
      const uri = scenario.uri;
      {
        const results = [];
        for (const program of ["virsh", "vsh"] as const) {
          const cwd = await Deno.makeTempDir({ prefix: `vsh-scenario-${program}-` });
          try {
            for (const f of scenario.files) {
              await Deno.copyFile(`${scenariosDir}/files/${f}`, `${cwd}/${f.split("/").pop()}`);
            }
            const cmd = program === "virsh"
              ? ["virsh"]
              : [Deno.execPath(), "run", "-A", "--quiet", `${root}main.ts`];
            const raw = await runProgram(cmd, scenario, uri, cwd);
            // Each side runs in its own temporary directory: name it the same way in both.
            raw.stdout = raw.stdout.replaceAll(cwd, "$CWD");
            raw.stderr = raw.stderr.replaceAll(cwd, "$CWD");
            results.push(normalize(raw, scenario.masks, program));
          } finally {
            await Deno.remove(cwd, { recursive: true });
          }
        }
        const [expected, actual] = results;
        const diffs: string[] = [];
        if (actual.stdout !== expected.stdout) {
          diffs.push(`stdout differs\n--- virsh\n${expected.stdout}\n--- vsh\n${actual.stdout}`);
        }
        if (actual.stderr !== expected.stderr) {
          diffs.push(`stderr differs\n--- virsh\n${expected.stderr}\n--- vsh\n${actual.stderr}`);
        }
        if (actual.code !== expected.code) {
          diffs.push(`exit status differs: virsh ${expected.code}, vsh ${actual.code}`);
        }
        if (diffs.length > 0) throw new Error(`${scenario.path}\n${diffs.join("\n")}`);
      }
    },
  });
}
