/**
 * How one stored image differs from what the person asked, in words ("asked 3840x2160 high, got
 * 1536x1024 medium"). Pure, so the page and its test share it.
 *
 * The decoded pixels are the truth for size: gateways have sent smaller pictures under an echo of
 * the asked size. The one exception is the fallback ladder's last rung, where the studio drew the
 * picture small and scaled it up itself: then the gateway's drawing is what was "got", and the
 * upscale is said separately.
 */
export type Asked = { size: string; quality: string; outputFormat: string; background: string };

export type Received = {
  width: number;
  height: number;
  format: string;
  echoed: { size: string | null; quality: string | null; background: string | null; format: string | null };
  /** The job's own sentence, written against the rung it ran (lib/jobs/policy.ts differencesOf). */
  downgraded: string | null;
};

/** The attempt that produced the image: which rung of the ladder, at what size and quality. */
export type Producer = { step: string; size: string; quality: string };

const UPSCALED_STEP = "fallback-small";

export function imageDifferences(asked: Asked, image: Received, producer: Producer | null = null): string[] {
  const pixels = `${image.width}x${image.height}`;
  const upscaled = producer?.step === UPSCALED_STEP;
  const drawn = upscaled ? (image.echoed.size ?? producer.size) : pixels;
  const gotQuality = image.echoed.quality ?? producer?.quality ?? null;
  const sizeDiffers = asked.size !== "auto" && drawn !== asked.size;
  const qualityDiffers = asked.quality !== "auto" && gotQuality !== null && gotQuality !== asked.quality;

  const found: string[] = [];
  if (sizeDiffers || qualityDiffers) {
    found.push(`asked ${asked.size} ${asked.quality}, got ${drawn}${gotQuality ? ` ${gotQuality}` : ""}`);
  }
  if (upscaled) found.push(`upscaled by the studio to ${pixels}`);
  else if (image.echoed.size && image.echoed.size !== "auto" && image.echoed.size !== pixels) {
    found.push(`the gateway reported ${image.echoed.size} but the image is ${pixels}`);
  }
  if (image.format !== asked.outputFormat) found.push(`asked ${asked.outputFormat}, got ${image.format}`);
  else if (image.echoed.format && image.echoed.format !== image.format) {
    found.push(`the gateway reported ${image.echoed.format} but the file is ${image.format}`);
  }
  if (asked.background !== "auto" && image.echoed.background && image.echoed.background !== asked.background) {
    found.push(`asked a ${asked.background} background, got ${image.echoed.background}`);
  }
  // The job's sentence may know what these fields cannot (a drawing smaller than its echo before an upscale).
  if (found.length === 0 && image.downgraded) found.push(image.downgraded);
  return found;
}

/** One line for a flag: the differences joined, or null when the image is what was asked. */
export function describeDifferences(asked: Asked, image: Received, producer: Producer | null = null): string | null {
  const found = imageDifferences(asked, image, producer);
  return found.length > 0 ? found.join("; ") : null;
}
