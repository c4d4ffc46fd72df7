/**
 * From a request body to an image job. Reading is split in two steps: `readGeneration`/`readEdit`
 * only parse the body (for the request log and to find the prompt that picks a scripted fault),
 * and `toJob` validates it later — after auth and faults, in the order upstream checks them.
 */
import { AUTO_SIZE, checkDimensions, resolveSize, type Dimensions } from "../lib/images/size-rules";
import { addGrain, captionFor, drawPicture, paintEdit } from "./draw";
import { ApiError, invalidRequest } from "./errors";
import { checkEditUploads, describeForm, describeParts, readForm, type EditUploads, type FormContent, type PartLog } from "./multipart";
import { jsonObject, parseEditFields, parseGenerationFields, type ImageRequest, type ParseOptions } from "./params";
import type { ImageJob } from "./respond";

export type Incoming = {
  /** The body as logged, null when it could not be parsed. */
  log: Record<string, unknown> | null;
  /** An edit's file parts as logged, in order (multipart.ts: describeParts). */
  parts?: PartLog[];
  prompt: string | undefined;
  /** Validates the request; throws ApiError (400) on any problem. */
  toJob(options: JobOptions): Promise<ImageJob>;
};

/** What a request's fault plan changes in the drawing. */
export type JobOptions = {
  /** draw.ts's addGrain. */
  grain: number;
  /** The `ignore-mask` fault: an edit drawn as though no mask had come. */
  ignoreMask: boolean;
};

function promptOf(values: Record<string, unknown>): string | undefined {
  return typeof values.prompt === "string" ? values.prompt : undefined;
}

/**
 * Like the real model, every request draws anew: the seed is the prompt plus this process's
 * request number, and each of n images in one request gets its own variant.
 */
let drawNumber = 0;

function seedFor(prompt: string, draw: number, variant: number): string {
  return `${prompt}#${draw}.${variant}`;
}

export function readGeneration(body: Buffer, options: ParseOptions): Incoming {
  const values = jsonObject(body);
  if (values instanceof ApiError) return { log: null, prompt: undefined, toJob: () => Promise.reject(values) };
  const fields = values;
  return { log: fields, prompt: promptOf(fields), toJob: async ({ grain }) => generationJob(parseGenerationFields(fields, options), grain) };
}

export async function readEdit(body: Buffer<ArrayBuffer>, contentType: string | undefined, options: ParseOptions): Promise<Incoming> {
  let form: FormContent;
  try {
    form = await readForm(body, contentType);
  } catch (error) {
    return { log: null, prompt: undefined, toJob: () => Promise.reject(error) };
  }
  return {
    log: describeForm(form),
    parts: await describeParts(form.files),
    prompt: promptOf(form.fields),
    toJob: async (job) => {
      const request = parseEditFields(form.fields, options);
      return editJob(request, await checkEditUploads(form.files), job);
    },
  };
}

export function generationJob(request: ImageRequest, grain: number): ImageJob {
  const draw = ++drawNumber;
  const transparent = request.background === "transparent";
  const caption = captionFor(request.prompt);
  return {
    eventPrefix: "image_generation",
    request,
    asked: resolveSize(request.size),
    inputImages: [],
    revisedPrompt: `A detailed image of: ${request.prompt.trim()}`,
    transparent,
    grain,
    render: (variant, { width, height }) =>
      drawPicture({ seed: seedFor(request.prompt, draw, variant), caption, width, height, transparent }).then((raster) => addGrain(raster, grain)),
  };
}

/** `auto` keeps the first image's size when that is a valid output size, as upstream does. */
function editSize(request: ImageRequest, first: Dimensions): Dimensions {
  if (request.size !== "auto") return resolveSize(request.size);
  return checkDimensions(first).length === 0 ? first : AUTO_SIZE;
}

/** An edit of `uploads.images[0]`, through `uploads.mask` when there is one. */
export function editJob(request: ImageRequest, uploads: EditUploads, { grain, ignoreMask }: JobOptions): ImageJob {
  const draw = ++drawNumber;
  const [first] = uploads.images;
  if (!first) throw invalidRequest("Missing required parameter: 'image'.", "image", "missing_required_parameter");
  const caption = captionFor(request.prompt);
  return {
    eventPrefix: "image_edit",
    request,
    asked: editSize(request, { width: first.width, height: first.height }),
    inputImages: uploads.images.map(({ width, height }) => ({ width, height })),
    revisedPrompt: `The input image, edited: ${request.prompt.trim()}`,
    // Edits always come back opaque: the input image is the background.
    transparent: false,
    grain,
    render: (variant, { width, height }) =>
      paintEdit({
        picture: { seed: seedFor(request.prompt, draw, variant), caption, width, height, transparent: false },
        image: first.bytes,
        // The mask was still checked above, as a gateway that drops it later would have.
        mask: ignoreMask ? undefined : uploads.mask?.bytes,
      }).then((raster) => addGrain(raster, grain)),
  };
}
