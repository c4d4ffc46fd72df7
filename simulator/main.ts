/** Runs the gateway simulator on its own: `npm run simulator`. Settings: simulator/options.ts. */
import { simulatorOptionsFromEnv } from "./options";
import { startSimulator } from "./server";

async function main(): Promise<void> {
  const simulator = await startSimulator(simulatorOptionsFromEnv(process.env, 4010));
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
  console.error("simulator: failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
