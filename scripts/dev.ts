import path from "node:path";
import { launch } from "./launcher";

/** `npm run dev`: the studio on `next dev`, for contributors (hot reload; heavier than `npm start`). */
await launch({ mode: "dev", root: path.resolve(import.meta.dirname, "..") });
