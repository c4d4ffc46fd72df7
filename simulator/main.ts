/**
 * Runs the gateway simulator on its own: `npm run simulator` (tsx simulator/main.ts).
 *
 * Environment:
 *   SIM_PORT               port to listen on (default 4010; 0 picks a free one)
 *   SIM_HOST               interface (default 127.0.0.1)
 *   SIM_API_KEY            the only accepted bearer key (default sk-sim-local)
 *   SIM_LATENCY_MS         latency scale: first partial after N ms, then 0.75·N between partials and
 *                          1.25·N before the final image (default 400 → 400/300/500; 0 = instant)
 *   SIM_ALLOW_TRANSPARENT  "1", "true" or "yes" lets `background: transparent` through (the same
 *                          values as the studio's ALLOW_TRANSPARENT_BACKGROUND, which scripts/studio.ts passes on)
 */
import { DEFAULT_API_KEY, startSimulator, type LatencyOptions } from "./server";

const DEFAULT_PORT = 4010;
const DEFAULT_LATENCY_MS = 400;

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a whole number >= 0, got "${raw}"`);
    process.exit(1);
  }
  return value;
}

function latencyFromScale(scaleMs: number): LatencyOptions {
  return {
    firstPartialMs: scaleMs,
    betweenPartialsMs: Math.round(scaleMs * 0.75),
    finalMs: Math.round(scaleMs * 1.25),
  };
}

async function main(): Promise<void> {
  const simulator = await startSimulator({
    port: numberFromEnv("SIM_PORT", DEFAULT_PORT),
    host: process.env.SIM_HOST?.trim() || "127.0.0.1",
    apiKey: process.env.SIM_API_KEY || DEFAULT_API_KEY,
    latency: latencyFromScale(numberFromEnv("SIM_LATENCY_MS", DEFAULT_LATENCY_MS)),
    allowTransparent: ["1", "true", "yes"].includes(process.env.SIM_ALLOW_TRANSPARENT?.trim().toLowerCase() ?? ""),
  });
  console.log(`simulator listening on ${simulator.url}`);

  const shutdown = (signal: NodeJS.Signals) => {
    console.log(`simulator: ${signal}, closing`);
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("simulator: close failed", error);
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}

main().catch((error: unknown) => {
  console.error("simulator: failed to start", error);
  process.exit(1);
});
