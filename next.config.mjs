import { hostname, networkInterfaces } from "node:os";

/**
 * `next dev` serves its scripts and hot-reload socket only to origins it knows: the names and
 * addresses a person may open the studio at (localhost, 127.0.0.1, this machine's name and
 * addresses, and HOST), so the page hydrates wherever it is opened. `next start` has no such check.
 */
const devOrigins = [
  "localhost",
  "127.0.0.1",
  "[::1]",
  hostname(),
  process.env.HOST,
  ...Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => (i.family === "IPv6" ? `[${i.address}]` : i.address))),
].filter(Boolean);

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  allowedDevOrigins: [...new Set(devOrigins)],
  // sharp and pg are native or spawn processes: keep them out of the bundle.
  serverExternalPackages: ["sharp", "pg", "@prisma/adapter-pg"],
  // `npm test` type-checks the whole project once (tsc --noEmit) before building.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
