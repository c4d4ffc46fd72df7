import "server-only";
import { isIPv4, isIPv6 } from "node:net";

/**
 * Whether an address the studio listens on stays on this machine. Until there is sign-in, the
 * studio listens on loopback unless HOST says otherwise, and says so when it does not. A name
 * other than localhost counts as reaching beyond: the launcher resolves HOST to the address it
 * binds, so the server sees an address here.
 */
export const DEFAULT_HOST = "127.0.0.1";

export function isLoopback(host: string): boolean {
  const bare = host.trim().toLowerCase().replace(/^\[(.*)\]$/, "$1");
  if (bare === "localhost" || bare.endsWith(".localhost")) return true;
  if (isIPv4(bare)) return bare.startsWith("127.");
  if (isIPv6(bare)) return bare === "::1" || bare.startsWith("::ffff:127.");
  return false;
}
