// qemu-img's size syntax (qemu_strtosz), checked value by value against qemu-img create.

import { assertEquals } from "../assert.ts";
import { cvtnum } from "../../plugins/images/common.ts";
import { errorLines } from "../../shell/errors.ts";
import { asVshErrors, run } from "./_util.ts";

const SIZES = [
  "0",
  "1",
  "512",
  "1k",
  "1K",
  "1b",
  "1B",
  "1.5M",
  "12.345M",
  "1.k",
  "1.",
  "1.0",
  "0.5",
  "1.5",
  "0x10",
  "0x1.8",
  "0X200",
  " 5",
  "5 ",
  "+5",
  "1x",
  "1e3",
  "1.5e3k",
  "2G",
  "1T",
  "1P",
  "8E",
  "10e",
  "99999999999999999999",
  "",
];

Deno.test("sizes parse as qemu-img parses them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "vsh-images-size-" });
  try {
    for (const text of SIZES) {
      const q = await run("qemu-img", ["create", "-f", "raw", "x.raw", text], dir);
      await Deno.remove(`${dir}/x.raw`).catch(() => {});
      let got: string;
      try {
        got = `size=${cvtnum("image size", text)}`;
      } catch (e) {
        got = errorLines(e).map((l) => `error: ${l}\n`).join("");
      }
      // A Formatting line means the size parsed (creating may still fail for other reasons).
      const formatting = / size=(\d+)/.exec(q.stdout);
      const want = formatting ? `size=${formatting[1]}` : asVshErrors(q.stderr);
      assertEquals(got, want, JSON.stringify(text));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
