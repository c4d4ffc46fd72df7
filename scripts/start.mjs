// `npm start`: the studio from a production build, built first when it is missing or older than
// the sources. This process is the launcher (scripts/launcher.ts, bundled); the Next.js server is
// its one child. Plain JavaScript, because it must run before anything is built.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { buildIsCurrent, launcherBundle, root } from "./build.mjs";

if (!buildIsCurrent()) {
  console.log("[studio] building the studio (the build is missing or older than the sources)…");
  // In a process of its own, so none of the build's memory stays with the launcher.
  const built = spawnSync(process.execPath, [path.join(root, "scripts", "build.mjs")], { stdio: "inherit" });
  if (built.status !== 0) process.exit(1);
}
const { launch } = await import(pathToFileURL(launcherBundle).href);
await launch({ mode: "start", root });
