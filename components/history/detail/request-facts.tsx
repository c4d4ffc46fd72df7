import { describeDifferences, type Asked } from "@/components/history/detail/differences";
import { Fact, PerImage } from "@/components/history/detail/fact";
import { bytes } from "@/components/history/detail/format";
import type { DetailAttempt, DetailImage, GenerationDetail } from "@/components/history/detail/types";

/** Each parameter asked, beside what the gateway echoed and what the file really is, per image. */
export function RequestFacts({ detail }: { detail: GenerationDetail }) {
  const { images } = detail;
  const asked: Asked = { size: detail.size, quality: detail.quality, outputFormat: detail.outputFormat, background: detail.background };
  const echo = (value: string | null) => (value ? `gateway echoed ${value}` : "not echoed by the gateway");
  return (
    <>
      {images.length > 0 && (
        <Fact term="Differences">
          <Differences asked={asked} images={images} attempts={detail.attempts} />
        </Fact>
      )}
      <Fact term="Size">
        asked {detail.size}
        <PerImage images={images} render={(image) => `${image.width}×${image.height} pixels, ${echo(image.echoed.size)}`} />
      </Fact>
      <Fact term="Quality">
        asked {detail.quality}
        <PerImage images={images} render={(image) => echo(image.echoed.quality)} />
      </Fact>
      <Fact term="Format">
        asked {detail.outputFormat}
        <PerImage images={images} render={(image) => `${image.format} file of ${bytes(image.bytes)}, ${echo(image.echoed.format)}`} />
      </Fact>
      <Fact term="Compression">{detail.outputCompression === null ? (detail.outputFormat === "png" ? "none (png)" : "gateway default") : `${detail.outputCompression}%`}</Fact>
      <Fact term="Background">
        asked {detail.background}
        <PerImage images={images} render={(image) => echo(image.echoed.background)} />
      </Fact>
      <Fact term="Moderation">{detail.moderation}</Fact>
      <Fact term="Partial previews">{detail.partialImages}</Fact>
      <Fact term="Images">
        asked {detail.n}, {images.length} stored
      </Fact>
      <Fact term="Fallback ladder">{detail.fallback ? "on (4K at high or auto quality may step down)" : "off"}</Fact>
    </>
  );
}

function Differences({ asked, images, attempts }: { asked: Asked; images: DetailImage[]; attempts: DetailAttempt[] }) {
  const flagged = images.flatMap((image) => {
    const text = describeDifferences(asked, image, producerOf(attempts, image.imageIndex));
    return text ? [{ image, text }] : [];
  });
  if (flagged.length === 0) return <span className="text-emerald-300">none: {images.length > 1 ? "every image is" : "the image is"} what was asked</span>;
  return (
    <ul className="space-y-1">
      {flagged.map(({ image, text }) => (
        <li key={image.id} className="rounded bg-amber-500/15 px-2 py-1 text-amber-200">
          {images.length > 1 ? `Image ${image.imageIndex + 1}: ` : ""}
          {text}
        </li>
      ))}
    </ul>
  );
}

/** The attempt that made an image: its last successful try. */
function producerOf(attempts: DetailAttempt[], imageIndex: number): DetailAttempt | null {
  return attempts.filter((attempt) => attempt.imageIndex === imageIndex && attempt.status === "ok").at(-1) ?? null;
}
