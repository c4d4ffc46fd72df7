// `npm run build`: the production build `npm start` runs from. Next.js builds the app; esbuild
// bundles the launcher (scripts/launcher.ts and what it imports) into one file that plain `node`
// runs, so a production start needs no TypeScript loader. A digest of the sources is stored
// beside them: `npm start` rebuilds whenever the sources differ from what was built.
// Plain JavaScript, because it must run before anything is built.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const out = path.join(root, ".next", "studio");
export const launcherBundle = path.join(out, "launcher.mjs");
const stamp = path.join(out, "sources.sha256");

/** What the build is made from; tests and the generated Prisma client (made from the schema) are not. */
const SOURCE_DIRS = ["app", "components", "lib", "prisma", "public", "scripts", "simulator"];
const SOURCE_FILES = ["instrumentation.ts", "next.config.mjs", "postcss.config.mjs", "tsconfig.json", "package.json", "package-lock.json"];
const NOT_SOURCES = /\.test\.tsx?$|^lib\/db\/generated\//;

function sourceFiles() {
  const files = SOURCE_FILES.filter((file) => existsSync(path.join(root, file)));
  for (const dir of SOURCE_DIRS) {
    if (!existsSync(path.join(root, dir))) continue;
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile()) continue;
      const file = path.relative(root, path.join(entry.parentPath, entry.name)).split(path.sep).join("/");
      if (!NOT_SOURCES.test(file)) files.push(file);
    }
  }
  return files.sort();
}

export function sourcesDigest() {
  const hash = createHash("sha256");
  for (const file of sourceFiles()) hash.update(`${file}\0`).update(readFileSync(path.join(root, file))).update("\0");
  return hash.digest("hex");
}

export function buildIsCurrent() {
  if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !existsSync(launcherBundle) || !existsSync(stamp)) return false;
  return readFileSync(stamp, "utf8") === sourcesDigest();
}

export async function build() {
  const next = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (next.status !== 0) throw new Error(`next build failed (${next.signal ?? `exit ${next.status}`})`);
  const esbuild = await import("esbuild");
  await esbuild.build({
    entryPoints: { launcher: path.join(root, "scripts", "launcher.ts") },
    outdir: out,
    outExtension: { ".js": ".mjs" },
    // The simulator is a chunk of its own, loaded only when there is no gateway key.
    splitting: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "warning",
    plugins: [serverOnlyIsEmpty],
  });
  mkdirSync(out, { recursive: true });
  // Taken after the build, which may touch files of its own (next-env.d.ts is not a source).
  writeFileSync(stamp, sourcesDigest());
}

/**
 * `server-only` marks the studio's server modules; it throws unless resolved with the
 * `react-server` condition, as Next.js does for its server bundles. The launcher is server code
 * run by plain `node`, so the marker is bundled as the empty module it is there.
 */
const serverOnlyIsEmpty = {
  name: "server-only-is-empty",
  setup(build) {
    build.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "empty" }));
    build.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "js" }));
  },
};

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await build().catch((error) => {
    console.error(`[studio] ${error.message}`);
    process.exit(1);
  });
}
