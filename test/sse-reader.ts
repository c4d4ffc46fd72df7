import { createParser, type EventSourceMessage } from "eventsource-parser";
import { EventSourceParserStream } from "eventsource-parser/stream";

/**
 * SSE as a browser's EventSource reads it (comments skipped, `data:` lines joined), for tests and
 * benchmarks. It uses the same parser as the studio's gateway client, which stays linear in the
 * size of an event, so a benchmark's "direct" figure is not slowed by its own reader.
 */
export type SseMessage = { id: string | null; event: string; data: string };

function toMessage(message: EventSourceMessage): SseMessage {
  return { id: message.id ?? null, event: message.event ?? "message", data: message.data };
}

export function parseSseText(text: string): SseMessage[] {
  const out: SseMessage[] = [];
  const parser = createParser({ onEvent: (message) => void out.push(toMessage(message)) });
  parser.feed(text);
  return out;
}

/** Calls `onMessage` for each message as it arrives; stops when it returns true or the stream ends. */
export async function readSse(response: Response, onMessage: (message: SseMessage) => boolean | void): Promise<void> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value.data === "[DONE]") continue;
      if (onMessage(toMessage(value)) === true) return;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}
