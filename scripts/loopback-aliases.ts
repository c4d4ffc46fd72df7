import { lookup } from "node:dns/promises";
import net from "node:net";
import { hostname } from "node:os";
import { isLoopback } from "@/lib/net/exposure";

/**
 * A person opens the studio at localhost, 127.0.0.1 or the machine's name. On many machines the
 * name resolves to another loopback address (Debian and Ubuntu map it to 127.0.1.1) and localhost
 * to ::1 as well, which a server bound to 127.0.0.1 does not answer. The launcher listens on those
 * addresses too and passes their connections on, byte for byte: still loopback only.
 */
export async function loopbackAliases(bound: string, names: string[] = ["localhost", hostname()]): Promise<string[]> {
  const found = await Promise.all(
    names.map((name) => lookup(name, { all: true }).catch(() => [] as { address: string }[])),
  );
  const addresses = new Set(found.flat().map((entry) => entry.address));
  return [...addresses].filter((address) => address !== bound && isLoopback(address));
}

export type Forward = { address: string; close: () => Promise<void> };

/** Listens on `address`:`port` and joins each connection to `target`:`port`; null when the address cannot be bound. */
export function forwardPort(address: string, port: number, target: string): Promise<Forward | null> {
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(port, target);
    client.pipe(upstream).pipe(client);
    for (const socket of [client, upstream]) {
      open.add(socket);
      socket.on("close", () => open.delete(socket));
      socket.on("error", () => (socket === client ? upstream : client).destroy());
    }
  });
  // Closing drops the connections still open (a browser keeps idle ones), so a stop never waits on them.
  const close = () =>
    new Promise<void>((done) => {
      server.close(() => done());
      for (const socket of open) socket.destroy();
    });
  return new Promise((resolve) => {
    server.once("error", () => resolve(null));
    server.listen(port, address, () => resolve({ address, close }));
  });
}
