import type { LatencyOptions, SimulatorOptions } from "./server";

/**
 * The simulator's settings from the environment, for `npm run simulator` and for the studio's
 * launcher (which runs it when no gateway key is set):
 *   SIM_PORT               port to listen on (0 picks a free one)
 *   SIM_HOST               interface (default 127.0.0.1)
 *   SIM_API_KEY            the only accepted bearer key (default sk-sim-local)
 *   SIM_LATENCY_MS         latency scale: first partial after N ms, then 0.75·N between partials and
 *                          1.25·N before the final image (default 400 → 400/300/500; 0 = instant);
 *                          /v1/responses text deltas 0.075·N apart (30 ms at 400)
 *   SIM_ALLOW_TRANSPARENT  "1", "true" or "yes" lets `background: transparent` through (the same
 *                          values as the studio's ALLOW_TRANSPARENT_BACKGROUND)
 *   SIM_GRAIN              photo-like noise of ±N levels in every picture (0-64, default 0), so images
 *                          weigh what real ones do: 12 makes a 3840x2160 PNG some 15 MB
 */
const DEFAULT_LATENCY_MS = 400;

export class SimulatorSettingError extends Error {}

function numberFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new SimulatorSettingError(`${name} must be a whole number >= 0, got "${raw}"`);
  return value;
}

export function latencyFromScale(scaleMs: number): LatencyOptions {
  return {
    firstPartialMs: scaleMs,
    betweenPartialsMs: Math.round(scaleMs * 0.75),
    finalMs: Math.round(scaleMs * 1.25),
    textDeltaMs: Math.round(scaleMs * 0.075),
  };
}

export function simulatorOptionsFromEnv(env: NodeJS.ProcessEnv, defaultPort: number): SimulatorOptions {
  return {
    port: numberFrom(env, "SIM_PORT", defaultPort),
    host: env.SIM_HOST?.trim() || "127.0.0.1",
    ...(env.SIM_API_KEY ? { apiKey: env.SIM_API_KEY } : {}),
    latency: latencyFromScale(numberFrom(env, "SIM_LATENCY_MS", DEFAULT_LATENCY_MS)),
    allowTransparent: ["1", "true", "yes"].includes(env.SIM_ALLOW_TRANSPARENT?.trim().toLowerCase() ?? ""),
    grain: Math.min(64, numberFrom(env, "SIM_GRAIN", 0)),
  };
}
