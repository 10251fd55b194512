import { assertEquals, assertThrows } from "../test/assert.ts";
import { VshError } from "./errors.ts";
import { parseIntOpt, parseScaledOpt, parseUIntOpt, parseULLOpt } from "./numbers.ts";

Deno.test("parseIntOpt: strtol rules and range", () => {
  assertEquals(parseIntOpt(undefined, "n"), undefined);
  assertEquals(parseIntOpt(" -12", "n"), -12);
  assertEquals(parseIntOpt("+7", "n"), 7);
  assertThrows(() => parseIntOpt("1x", "n"), VshError, "Numeric value '1x' for <n> option");
  assertThrows(() => parseIntOpt("2147483648", "n"), VshError, "malformed or out of range");
  assertThrows(() => parseIntOpt("", "n"), VshError);
});

Deno.test("parseUIntOpt: negative refused, or wrapped on request", () => {
  assertEquals(parseUIntOpt("4294967295", "n"), 4294967295);
  assertThrows(() => parseUIntOpt("-1", "n"), VshError);
  assertEquals(parseUIntOpt("-1", "n", true), 4294967295);
  assertEquals(parseULLOpt("-1", "n", true), 18446744073709551615n);
});

Deno.test("parseScaledOpt: libvirt's unit suffixes", () => {
  assertEquals(parseScaledOpt("1024", "size", 1024), 1048576n);
  assertEquals(parseScaledOpt("1", "size", 1), 1n);
  assertEquals(parseScaledOpt("1k", "size", 1), 1024n);
  assertEquals(parseScaledOpt("1KiB", "size", 1), 1024n);
  assertEquals(parseScaledOpt("1KB", "size", 1), 1000n);
  assertEquals(parseScaledOpt("2M", "size", 1024), 2097152n);
  assertEquals(parseScaledOpt("1G", "size", 1), 1073741824n);
  assertEquals(parseScaledOpt("1b", "size", 1024), 1n);
  assertEquals(parseScaledOpt("3E", "size", 1), 3n * 1024n ** 6n);
  assertThrows(() => parseScaledOpt("16E", "size", 1), VshError, "Scaled numeric value '16E'");
  assertThrows(() => parseScaledOpt("1X", "size", 1), VshError, "for <size> option");
  assertThrows(() => parseScaledOpt("-1", "size", 1), VshError);
  assertThrows(() => parseScaledOpt("1 k", "size", 1), VshError);
});

Deno.test("parseScaledOpt: libvirt's second error line for suffixes and overflow", () => {
  const lines = (v: string) => {
    try {
      parseScaledOpt(v, "size", 1024);
    } catch (e) {
      return [(e as VshError).message, ...(e as VshError).more];
    }
    return [];
  };
  assertEquals(lines("1X"), [
    "Scaled numeric value '1X' for <size> option is malformed or out of range",
    "invalid argument: unknown suffix 'X'",
  ]);
  assertEquals(lines("16E")[1], "numerical overflow: value too large: 16E");
  assertEquals(lines("99999999999999999999").length, 1);
});
