/**
 * A small SSE reader after the WHATWG parsing rules, for tests and benchmarks to see exactly what
 * a browser's EventSource would: comments skipped, `data:` lines joined, `[DONE]` ignored.
 */
export type SseMessage = { id: string | null; event: string; data: string };

export function parseSseBlock(block: string): SseMessage | null {
  let id: string | null = null;
  let event = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith(":") || line === "") continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "id") id = value;
    else if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  return data.length > 0 ? { id, event, data: data.join("\n") } : null;
}

export function parseSseText(text: string): SseMessage[] {
  return text.split("\n\n").flatMap((block) => parseSseBlock(block) ?? []);
}

/** Calls `onMessage` for each message as it arrives; stops when it returns true or the stream ends. */
export async function readSse(response: Response, onMessage: (message: SseMessage) => boolean | void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += value;
      let cut: number;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const message = parseSseBlock(buffer.slice(0, cut));
        buffer = buffer.slice(cut + 2);
        if (message && message.data !== "[DONE]" && onMessage(message) === true) return;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
