import { MAX_REFERENCES } from "@/components/edit/incoming-files";

type Query = Record<string, string | string[] | undefined>;

const all = (value: string | string[] | undefined) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * What `/edit` was opened with: `?image=<id>` (the image to edit; the first if repeated),
 * `?ref=<id>` repeatable (references, up to 15, each once, never the edited image itself), and
 * `?g=<id>` (an edit to follow). Ids are lower-cased and checked later, by the owner-scoped read.
 */
export function editParams(query: Query): { image: string | null; refs: string[]; generation: string | null } {
  const image = all(query.image)[0]?.trim().toLowerCase() || null;
  const refs = [...new Set(all(query.ref).map((id) => id.trim().toLowerCase()))].filter((id) => id !== "" && id !== image).slice(0, MAX_REFERENCES);
  const generation = all(query.g)[0]?.trim().toLowerCase() || null;
  return { image, refs, generation };
}
