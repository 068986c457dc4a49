/**
 * JUnit checks with real tools: libxml2 (xmllint, compiled to WebAssembly)
 * validating against Jenkins' JUnit XSD, and junit2json, a JUnit consumer.
 *
 * @module
 */

import { validateXML } from "xmllint-wasm";
import { parse } from "junit2json";

const XSD = await Deno.readTextFile(new URL("./testdata/junit-10.xsd", import.meta.url));

/** Throws with libxml2's messages unless `xml` is valid against the JUnit XSD. */
export async function assertValidJunit(xml: string): Promise<void> {
  const result = await validateXML({
    xml: [{ fileName: "junit.xml", contents: xml }],
    schema: [XSD],
  });
  if (!result.valid) {
    throw new Error(
      `JUnit XML fails the XSD:\n${result.errors.map((e) => e.rawMessage).join("\n")}\n${xml}`,
    );
  }
}

/** A parsed testcase as junit2json reports it. */
export interface ParsedTestCase {
  name?: string;
  classname?: string;
  failure?: { message?: string; type?: string; inner?: string }[];
}

/** The JUnit report as junit2json reads it. */
export interface ParsedJunit {
  tests?: number;
  failures?: number;
  errors?: number;
  skipped?: number;
  testsuite?: { name?: string; tests?: number; failures?: number; testcase?: ParsedTestCase[] }[];
}

/** Parses a report with junit2json. */
export async function parseJunit(xml: string): Promise<ParsedJunit> {
  return (await parse(xml)) as unknown as ParsedJunit;
}
