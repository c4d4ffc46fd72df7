import "server-only";
import type { ImageFidelity } from "@/lib/generations/events";
import { compositeProtected, FIDELITY_FLAG_SHARE, measureFidelity } from "@/lib/images/fidelity";
import { inspectImage } from "@/lib/images/inspect";
import type { MaskGuard } from "@/lib/jobs/image-request";
import { stageBytes, type FinalPicture } from "@/lib/jobs/pictures";
import { StorageError } from "@/lib/storage";

/**
 * The mask-fidelity guard on a masked edit's result: gateways (and the model) have been seen to
 * drop the mask and repaint everything (sub2api #6273, #2251). The result is measured against the
 * source over the protected pixels; with `protect` on, the source is put back there (with the
 * mask's feather) and that composite becomes the image, the gateway's own result kept as `raw`.
 */
export type Guarded = {
  /** What is stored as the final image. */
  final: FinalPicture;
  /** The gateway's result, when the composite took its place. */
  raw: FinalPicture | null;
  fidelity: ImageFidelity | null;
  /** Told to the person when the guard could not do its work (the result is then kept as it came). */
  note: string | null;
};

export async function guardPicture(picture: FinalPicture, guard: MaskGuard): Promise<Guarded> {
  try {
    const result = picture.blob.read();
    const measured = await measureFidelity(guard.source, result, guard.mask);
    const fidelity: ImageFidelity = {
      changedShare: round(measured.changedShare, 4),
      meanAbsDiff: round(measured.meanAbsDiff, 2),
      flagged: measured.changedShare > FIDELITY_FLAG_SHARE,
    };
    // A mask that protects nothing leaves nothing to put back: the result stays as it came.
    if (!guard.protect || measured.protectedPixels === 0) return { final: picture, raw: null, fidelity, note: null };
    const composite = await compositeProtected(guard.source, result, guard.mask, picture.facts.format);
    const facts = inspectImage(composite);
    return { final: { ...picture, blob: stageBytes(composite), facts }, raw: picture, fidelity, note: null };
  } catch (error) {
    // The store failing is the studio's fault and stops the generation (run-image.ts); anything
    // else here (a decoder's complaint) must not cost the person an image they paid for.
    if (error instanceof StorageError) throw error;
    return { final: picture, raw: null, fidelity: null, note: `the mask could not be checked against the result (${(error as Error).message}); it is kept as the gateway sent it` };
  }
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
