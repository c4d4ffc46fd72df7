import "server-only";
import { Readable } from "node:stream";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import yazl from "yazl";
import { blobStore } from "@/lib/storage";

/** One file of a ZIP, its bytes the blob `sha256`, read only when its turn comes. */
export type ZipEntry = { name: string; sha256: string; mtime: Date };

/**
 * A ZIP streamed as it is written, never whole in memory: `extra` (small, such as metadata.json)
 * first and deflated, then each file stored as it is (images are compressed already). yazl opens a
 * lazy entry's stream only once the one before it has ended, so a 500-image archive holds one blob
 * open at a time, and the response's backpressure paces the reads. When `signal` aborts or the
 * reader cancels, the open blob is closed and nothing more is read.
 */
export function zipStream(files: ZipEntry[], extra: { name: string; content: Buffer }[], signal: AbortSignal): ReadableStream<Uint8Array> {
  const zip = new yazl.ZipFile();
  const output = zip.outputStream as Readable;
  let current: Readable | null = null;
  let stopped = false;
  const stop = (error?: Error) => {
    if (stopped) return;
    stopped = true;
    if (error) console.error("archive: the ZIP stopped part-way", error);
    current?.destroy();
    output.destroy(error);
  };
  output.once("close", () => stop());
  zip.on("error", (error: Error) => stop(error));
  signal.addEventListener("abort", () => stop(), { once: true });

  for (const { name, content } of extra) zip.addBuffer(content, name, { mtime: new Date() });
  for (const file of files) {
    zip.addReadStreamLazy(file.name, { compress: false, mtime: file.mtime }, (done) => {
      if (stopped || signal.aborted) return done(new Error("the archive was stopped"), undefined as never);
      const stream = Readable.fromWeb(blobStore().stream(file.sha256) as NodeReadableStream<Uint8Array>);
      stream.on("error", (error) => stop(error));
      current = stream;
      done(null, stream);
    });
  }
  zip.end();
  if (signal.aborted) stop();
  return Readable.toWeb(output) as ReadableStream<Uint8Array>;
}
