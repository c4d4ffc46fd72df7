import type { generationDetail } from "@/lib/db/generations";

/** The detail page's data, as lib/db/generations reads it (types only: this file reaches the browser). */
export type GenerationDetail = NonNullable<Awaited<ReturnType<typeof generationDetail>>>;
export type DetailImage = GenerationDetail["images"][number];
export type DetailAttempt = GenerationDetail["attempts"][number];

/** What the viewer needs of an image: no usage JSON or prompts cross to the browser twice. */
export type ViewerImage = Pick<DetailImage, "id" | "imageIndex" | "url" | "thumbUrl" | "width" | "height" | "format" | "fidelity" | "rawImageId">;

/** An edit's source as the before/after view draws it. */
export type ComparePicture = { url: string; width: number; height: number };
