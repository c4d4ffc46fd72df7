import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { readSse } from "../test/sse-reader";
import { startStudio, type RunningStudio } from "../test/studio-process";

/**
 * The job worker lives in the Next.js server process. Whether that server crashes or is stopped
 * mid-generation, the generation is finished by the server that comes up next, from the same data
 * folder: nothing stays `running`, and the person is told what happened.
 */
const ENV = { PORT: "3131", SIM_PORT: "4131", JOB_LEASE_MS: "1500", SHUTDOWN_GRACE_MS: "300", SIM_LATENCY_MS: "200" };

test.describe.configure({ mode: "serial" });

let dataDir: string;
let studio: RunningStudio | undefined;

test.beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), "studio-restart-"));
});
test.afterEach(async () => {
  await studio?.stop();
  studio = undefined;
  rmSync(dataDir, { recursive: true, force: true });
});

async function startLongGeneration(s: RunningStudio, prompt: string): Promise<string> {
  // Slow enough on the first run that the server goes down while it is drawing.
  const script = await fetch(`${s.simUrl.replace(/\/v1$/, "")}/__sim/script`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ match: prompt, faults: ["slow:20000"] }),
  });
  expect(script.ok).toBe(true);
  const created = await fetch(`${s.baseUrl}/api/generations`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ prompt, size: "1024x1024", quality: "low", partial_images: 1 }),
  });
  expect(created.status).toBe(202);
  const { id } = (await created.json()) as { id: string };
  await expect.poll(async () => (await detail(s, id)).status).toBe("running");
  return id;
}

async function detail(s: RunningStudio, id: string): Promise<{ status: string }> {
  return (await (await fetch(`${s.baseUrl}/api/generations/${id}`)).json()) as { status: string };
}

/** Every status message the generation's live view showed, from the stored events. */
async function messages(s: RunningStudio, id: string): Promise<string[]> {
  const out: string[] = [];
  await readSse(await fetch(`${s.baseUrl}/api/generations/${id}/events`), (message) => {
    const data = JSON.parse(message.data) as { message?: string };
    if (message.event === "status" && data.message) out.push(data.message);
    return message.event === "end";
  });
  return out;
}

const WAYS_DOWN = [
  {
    name: "a server that crashes mid-generation: the next one re-runs it to the end",
    prompt: "through a crash",
    goDown: (s: RunningStudio) => s.crashServer(),
    // Its lease runs out; the new server's worker queues it again and runs it.
    told: "The worker stopped while running this generation; it is queued again",
  },
  {
    name: "a server stopped mid-generation hands it back, and the next one finishes it",
    prompt: "through a restart",
    goDown: (s: RunningStudio) => s.stop(),
    told: "The server is restarting; this generation will continue shortly",
  },
];

for (const way of WAYS_DOWN) {
  test(way.name, async () => {
    test.setTimeout(120_000);
    studio = await startStudio(ENV, { dataDir, quiet: true });
    const id = await startLongGeneration(studio, way.prompt);
    await way.goDown(studio);
    studio = await startStudio(ENV, { dataDir, quiet: true });
    await expect.poll(async () => (await detail(studio!, id)).status, { timeout: 30_000 }).toBe("done");
    expect(await messages(studio, id)).toContain(way.told);
  });
}
