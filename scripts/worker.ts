import { runWorkerProcess } from "@/lib/jobs/worker-process";

/** `npm run worker`: a worker in a process of its own, for more capacity beside the studio's. */
await runWorkerProcess();
