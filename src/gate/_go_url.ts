/**
 * The host name Go's `url.Parse(v).Hostname()` yields, for `url` target domain
 * inference (spec 02 §1.4). Any parse failure or a missing authority gives "".
 *
 * @module
 */

// deno-lint-ignore no-control-regex
const CTL = /[\x00-\x1f\x7f]/;
const HEX = /^[0-9a-fA-F]{2}$/;
const HOST_ALLOWED = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]$/;
const USERINFO = /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/;
const lossyUtf8 = new TextDecoder("utf-8");

function getScheme(raw: string): { scheme: string; rest: string } | null {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    const letter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
    if (letter) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return { scheme: "", rest: raw };
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) return null;
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: "", rest: raw };
  }
  return { scheme: "", rest: raw };
}

function validPercentEscapes(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 0x25) {
      if (!HEX.test(s.slice(i + 1, i + 3))) return false;
      i += 2;
    }
  }
  return true;
}

function validOptionalPort(port: string): boolean {
  if (port === "") return true;
  if (port[0] !== ":") return false;
  for (let i = 1; i < port.length; i++) {
    const c = port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function unescapeHost(host: string): string | null {
  const bytes: number[] = [];
  let hasEscape = false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (c === 0x25) {
      const hex = host.slice(i + 1, i + 3);
      if (!HEX.test(hex)) return null;
      if (parseInt(hex[0]!, 16) < 8 && hex !== "25") return null;
      bytes.push(parseInt(hex, 16));
      hasEscape = true;
      i += 2;
      continue;
    }
    if (c < 0x80 && !HOST_ALLOWED.test(host[i]!)) return null;
    if (c < 0x80) bytes.push(c);
    else {
      const cp = host.codePointAt(i)!;
      for (const b of new TextEncoder().encode(String.fromCodePoint(cp))) bytes.push(b);
      if (cp > 0xffff) i++;
    }
  }
  return hasEscape ? lossyUtf8.decode(new Uint8Array(bytes)) : host;
}

function parseHost(host: string): string | null {
  if (host.startsWith("[")) {
    const i = host.lastIndexOf("]");
    if (i < 0) return null;
    if (!validOptionalPort(host.slice(i + 1))) return null;
  } else {
    const i = host.lastIndexOf(":");
    if (i !== -1 && !validOptionalPort(host.slice(i))) return null;
  }
  return unescapeHost(host);
}

/** Go `url.Parse(raw)` then `Hostname()`; "" on any parse error or no authority. */
export function goUrlHostname(raw: string): string {
  if (CTL.test(raw)) return "";
  const hashAt = raw.indexOf("#");
  const frag = hashAt >= 0 ? raw.slice(hashAt + 1) : "";
  const u = hashAt >= 0 ? raw.slice(0, hashAt) : raw;
  if (u === "*") return "";
  const scheme = getScheme(u);
  if (scheme === null) return "";
  let rest = scheme.rest;
  if (rest.endsWith("?") && rest.indexOf("?") === rest.length - 1) rest = rest.slice(0, -1);
  else {
    const q = rest.indexOf("?");
    if (q >= 0) rest = rest.slice(0, q);
  }
  if (!rest.startsWith("/")) {
    if (scheme.scheme !== "") return "";
    const slash = rest.indexOf("/");
    const segment = slash >= 0 ? rest.slice(0, slash) : rest;
    if (segment.includes(":")) return "";
  }
  let host = "";
  let path = rest;
  if ((scheme.scheme !== "" || !rest.startsWith("///")) && rest.startsWith("//")) {
    let authority = rest.slice(2);
    path = "";
    const slash = authority.indexOf("/");
    if (slash >= 0) {
      path = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf("@");
    const parsed = parseHost(at < 0 ? authority : authority.slice(at + 1));
    if (parsed === null) return "";
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!USERINFO.test(userinfo) || !validPercentEscapes(userinfo)) return "";
    }
    host = parsed;
  }
  if (!validPercentEscapes(path) || !validPercentEscapes(frag)) return "";
  let hostname = host;
  const colon = hostname.lastIndexOf(":");
  if (colon !== -1 && validOptionalPort(hostname.slice(colon))) hostname = hostname.slice(0, colon);
  if (hostname.startsWith("[") && hostname.endsWith("]")) hostname = hostname.slice(1, -1);
  return hostname;
}
