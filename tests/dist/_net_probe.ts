/**
 * Run by tests/dist/bundle_test.ts under exactly the shipped permission flags.
 * Tries an outbound connection to a TEST-NET-1 address (RFC 5737, never
 * routed), which the permission system must refuse before any packet is sent,
 * and a connection to a loopback listener given as the first argument, which
 * must succeed. As an interlock, the outbound attempt is skipped unless the
 * runtime reports that permission as not granted, so this probe can never
 * send traffic off the machine even when run with broader permissions.
 * Prints one JSON line.
 */

const port = Number(Deno.args[0]);
const result: Record<string, string> = {};

const outbound = await Deno.permissions.query({ name: "net", host: "192.0.2.1:9" });
result.outbound_query = outbound.state;
if (outbound.state === "granted") {
  result.outbound = "not attempted: permission granted";
} else {
  try {
    const conn = await Deno.connect({ hostname: "192.0.2.1", port: 9 });
    conn.close();
    result.outbound = "connected";
  } catch (error) {
    result.outbound = error instanceof Deno.errors.NotCapable
      ? "NotCapable"
      : error instanceof Deno.errors.PermissionDenied
      ? "PermissionDenied"
      : `other: ${error instanceof Error ? error.name : String(error)}`;
  }
}

try {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const buf = new Uint8Array(2);
  await conn.read(buf);
  conn.close();
  result.loopback = new TextDecoder().decode(buf);
} catch (error) {
  result.loopback = `failed: ${error instanceof Error ? error.name : String(error)}`;
}

console.log(JSON.stringify(result));
