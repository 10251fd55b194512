import { assertEquals, assertThrows } from "../../test/assert.ts";
import { parseXml, XmlSyntaxError } from "./tree.ts";

// Each message below is what `virsh -c test:///default define FILE` printed for the same bytes.
const CASES: [string, string][] = [
  ["", "1: Document is empty\n(null)\n^"],
  ["  \n \n", "3: Start tag expected, '<' not found\n(null)\n^"],
  ["\n  hello <domain/>", "2: Start tag expected, '<' not found\n  hello <domain/>\n--^"],
  [
    "<domain type='test'>\n  <name>x</nam>\n</domain>\n",
    "2: Opening and ending tag mismatch: name line 2 and nam\n  <name>x</nam>\n---------------^",
  ],
  [
    "<domain type='test'>\n  <name>x</name>\n",
    "3: Premature end of data in tag domain line 1\n(null)\n^",
  ],
  [
    "<domain type='test'>\n  <name>x</name>\n  <memory",
    "3: Couldn't find end of Start Tag memory line 3\n  <memory\n---------^",
  ],
  [
    "<domain type='test'>\n  <name>x</name\n  <memory unit='KiB'",
    "3: expected '>'\n  <memory unit='KiB'\n--^",
  ],
  [
    "<domain type='test' type='kvm'>\n</domain>\n",
    "1: Attribute type redefined\n<domain type='test' type='kvm'>\n------------------------------^",
  ],
  [
    "<domain type='test'/>\n<domain/>\n",
    "2: Extra content at the end of the document\n<domain/>\n^",
  ],
  [
    "<domain type='test' foo>\n</domain>\n",
    "1: Specification mandates value for attribute foo\n<domain type='test' foo>\n" +
    "-----------------------^",
  ],
  [
    "<domain>\n  <name>x&foo;</name>\n</domain>\n",
    "2: Entity 'foo' not defined\n  <name>x&foo;</name>\n--------------^",
  ],
  [
    "<domain>\n  <name>x & y</name>\n</domain>\n",
    "2: xmlParseEntityRef: no name\n  <name>x & y</name>\n-----------^",
  ],
  [
    "<domain type='te<st'/>",
    "1: Unescaped '<' not allowed in attributes values\n<domain type='te<st'/>\n----------------^",
  ],
  [
    "<domain type='test'name='x'/>",
    "1: attributes construct error\n<domain type='test'name='x'/>\n-------------------^",
  ],
  [
    "<domain>\n  <!-- x\n</domain>\n",
    "4: Comment not terminated\n(null)\n^",
  ],
  [
    "<domain>\n  <!-- a -- b -->\n</domain>\n",
    "2: Double hyphen within comment: <!-- a \n  <!-- a -- b -->\n---------^",
  ],
  [
    "<domain>&#0;</domain>",
    "1: xmlParseCharRef: invalid xmlChar value 0\n<domain>&#0;</domain>\n------------^",
  ],
];

Deno.test("malformed documents fail with libxml2's message and position", () => {
  for (const [xml, want] of CASES) {
    const e = assertThrows(() => parseXml(xml, "(domain_definition)"), XmlSyntaxError);
    assertEquals(e.message, `(domain_definition):${want}`, JSON.stringify(xml));
  }
});

Deno.test("elements, attributes, text, references, CDATA and comments build the tree", () => {
  const root = parseXml(
    "\uFEFF<?xml version='1.0'?>\n<!-- head -->\n<a x=\"1 &amp; 2\" y='t\tab'>" +
      "&#65;&#x42;<![CDATA[<c>]]><!-- c -->d<b/>\n<e>&lt;&gt;&quot;&apos;</e></a>\n",
    "(test)",
  );
  assertEquals(root, {
    name: "a",
    attrs: { x: "1 & 2", y: "t ab" },
    children: [
      "AB<c>d",
      { name: "b", attrs: {}, children: [] },
      "\n",
      { name: "e", attrs: {}, children: ["<>\"'"] },
    ],
  });
});
