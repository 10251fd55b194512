import { assertEquals, assertThrows } from "../../test/assert.ts";
import { parseXml } from "./tree.ts";
import { evaluateXPath, type XNode, xpathDocument, XPathSyntaxError } from "./xpath.ts";
import { dumpXml } from "../../shell/xml_output.ts";

const NETWORK = `<network>
  <name>default</name>
  <forward mode='nat'/>
  <bridge name='virbr0' stp='on' delay='0'/>
  <ip address='192.168.122.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.122.2' end='192.168.122.254'/>
      <host mac='52:54:00:00:00:01' ip='192.168.122.10'/>
    </dhcp>
  </ip>
  <ip family='ipv6' address='fd00::1' prefix='64'>
  </ip>
</network>
`;

const doc = xpathDocument(parseXml(NETWORK, "(test)"));
const names = (v: unknown) => (v as XNode[]).map((n) => n.name || n.value);
const printed = (xpath: string, wrap = false) =>
  dumpXml(NETWORK, xpath, wrap).chunks.map((c) => "text" in c ? c.text : "").join("");

Deno.test("location paths select elements, attributes and text in document order", () => {
  assertEquals(names(evaluateXPath("/network/*", doc)), ["name", "forward", "bridge", "ip", "ip"]);
  assertEquals(names(evaluateXPath("//range/@*", doc)), ["start", "end"]);
  assertEquals(names(evaluateXPath("/network/name/text()", doc)), ["default"]);
  assertEquals(names(evaluateXPath("//host | //name", doc)), ["name", "host"]);
  assertEquals(names(evaluateXPath("//dhcp/..", doc)), ["ip"]);
  assertEquals(names(evaluateXPath("//range/ancestor::*", doc)), ["network", "ip", "dhcp"]);
  assertEquals(names(evaluateXPath("//forward/following-sibling::*[1]", doc)), ["bridge"]);
  assertEquals(names(evaluateXPath("//bridge/preceding-sibling::*[1]", doc)), ["forward"]);
});

Deno.test("predicates filter by position, attributes and functions", () => {
  assertEquals(names(evaluateXPath("/network/*[2]", doc)), ["forward"]);
  assertEquals(names(evaluateXPath("/network/ip[last()]/@family", doc)), ["family"]);
  assertEquals(names(evaluateXPath("//*[@stp='on']", doc)), ["bridge"]);
  assertEquals(names(evaluateXPath("//ip[not(@family)]", doc)), ["ip"]);
  assertEquals(names(evaluateXPath("//*[starts-with(name(), 'r')]", doc)), ["range"]);
  assertEquals(names(evaluateXPath("//*[@delay = 0 and @stp != 'off']", doc)), ["bridge"]);
});

Deno.test("expressions that are not node-sets evaluate to their values", () => {
  assertEquals(evaluateXPath("count(//ip)", doc), 2);
  assertEquals(evaluateXPath("string(/network/name)", doc), "default");
  assertEquals(evaluateXPath("concat('a', 1 + 2 * 3)", doc), "a7");
  assertEquals(evaluateXPath("10 div 4 - 7 mod 4", doc), -0.5);
  assertEquals(evaluateXPath("substring('12345', 2, 3)", doc), "234");
  assertEquals(evaluateXPath("translate('abc', 'ab', 'B')", doc), "Bc");
});

Deno.test("malformed expressions are syntax errors", () => {
  assertThrows(() => evaluateXPath("!!", doc), XPathSyntaxError);
  assertThrows(() => evaluateXPath("/network/", doc), XPathSyntaxError);
  assertThrows(() => evaluateXPath("foo()", doc), XPathSyntaxError, "Unregistered function");
  assertThrows(() => evaluateXPath("//ip[", doc), XPathSyntaxError);
});

Deno.test("matches print as libxml2 dumps them (virsh --xpath and --wrap)", () => {
  assertEquals(printed("//bridge"), `<bridge name="virbr0" stp="on" delay="0"/>\n`);
  assertEquals(printed("//range/@start"), ` start="192.168.122.2"\n`);
  assertEquals(
    printed("//range/@start | //range/@end", true),
    `<nodes start="192.168.122.2" end="192.168.122.254"/>\n`,
  );
  assertEquals(printed("//name/text()", true), "<nodes>default</nodes>\n");
  assertEquals(printed("//nothing", true), "<nodes/>\n");
  assertEquals(printed("//ip[2]"), `<ip family="ipv6" address="fd00::1" prefix="64">\n  </ip>\n`);
  assertEquals(
    printed("//dhcp", true),
    `<nodes>
  <dhcp>
    <range start="192.168.122.2" end="192.168.122.254"/>
    <host mac="52:54:00:00:00:01" ip="192.168.122.10"/>
  </dhcp>
</nodes>
`,
  );
});

Deno.test("a non-node-set result is virsh's Incorrect xpath error", () => {
  assertThrows(
    () => dumpXml(NETWORK, "count(//ip)", false),
    Error,
    "Incorrect xpath 'count(//ip)'",
  );
});
