import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forwardPort, loopbackAliases } from "./loopback-aliases";

/** A real server on 127.0.0.1, reached through another loopback address of this machine. */
let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((req, res) => res.end(`host ${req.headers.host}`));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("loopback aliases", () => {
  it("answers on another loopback address, passing the request through as sent", async () => {
    const forward = await forwardPort("127.0.0.2", port, "127.0.0.1");
    expect(forward).not.toBeNull();
    try {
      const res = await fetch(`http://127.0.0.2:${port}/`);
      expect(await res.text()).toBe(`host 127.0.0.2:${port}`);
    } finally {
      await forward?.close(); // with fetch's idle keep-alive connection still open
    }
    await expect(fetch(`http://127.0.0.2:${port}/`)).rejects.toThrow();
  });

  it("is null for an address this machine does not have", async () => {
    expect(await forwardPort("192.0.2.123", port, "127.0.0.1")).toBeNull();
  });

  it("lists the loopback addresses the names resolve to, other than the bound one", async () => {
    expect(await loopbackAliases("127.0.0.1", ["127.0.0.1", "127.0.1.1", "192.0.2.1", "::1", "no-such-host.invalid"])).toEqual(["127.0.1.1", "::1"]);
  });
});
