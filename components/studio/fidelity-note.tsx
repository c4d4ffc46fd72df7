import { fidelityText, type EditImageFacts } from "@/components/studio/fidelity-text";

type FidelityNoteProps = {
  images: (EditImageFacts & { imageIndex: number })[];
  /** How many images the edit made: a flag names its image only when there are several. */
  count: number;
  /** An alert while the edit lands in the result view; a plain note on a page read later. */
  role?: "alert" | "note";
};

/** The mask-fidelity flag: how much of the protected area the gateway changed, and the raw result when one was kept. */
export function FidelityNote({ images, count, role = "alert" }: FidelityNoteProps) {
  const flagged = images.flatMap((image) => {
    const text = fidelityText(image, count > 1 ? `image ${image.imageIndex + 1}` : null);
    return text ? [{ image, text }] : [];
  });
  if (flagged.length === 0) return null;
  return (
    <div role={role} className="space-y-1 rounded-md border border-amber-500/50 bg-amber-950/30 p-3 text-sm text-amber-200">
      {flagged.map(({ image, text }) => (
        <p key={image.imageIndex}>
          {text}
          {image.rawImageId && (
            <>
              {" "}
              <a href={`/api/images/${image.rawImageId}`} target="_blank" rel="noopener" className="underline underline-offset-2 hover:text-white">
                Raw result{count > 1 ? ` of image ${image.imageIndex + 1}` : ""}
              </a>
            </>
          )}
        </p>
      ))}
    </div>
  );
}
