import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { EventFormatError, SseReader, Sunk, type ByteSink, type SseMessage } from "@/lib/gateway/event-stream";

/** The reader against SSE text cut at every kind of boundary, compared with parsing it whole. */
type Decoded = { bytes: Buffer; aborted: boolean };

function read(text: string | Buffer, cut: (length: number) => number[] = () => []) {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8");
  const messages: SseMessage[] = [];
  const sinks: Decoded[] = [];
  const reader = new SseReader<Decoded>(
    () => {
      const parts: Buffer[] = [];
      const sink: ByteSink<Decoded> & { state: Decoded } = {
        state: { bytes: Buffer.alloc(0), aborted: false },
        write: (chunk) => void parts.push(Buffer.from(chunk)),
        end: () => {
          sink.state.bytes = Buffer.concat(parts);
          return sink.state;
        },
        abort: () => void (sink.state.aborted = true),
      };
      sinks.push(sink.state);
      return sink;
    },
    new Set(["b64_json"]),
    (message) => messages.push(message),
  );
  let from = 0;
  let error: unknown = null;
  try {
    for (const at of [...cut(bytes.length), bytes.length]) {
      reader.feed(bytes.subarray(from, at));
      from = at;
    }
  } catch (thrown) {
    error = thrown;
  }
  return { messages, sinks, reader, error };
}

/** Cut points: every byte, or a few random ones. */
const everyByte = (length: number) => Array.from({ length: length - 1 }, (_, i) => i + 1);
const randomCuts = (count: number) => (length: number) => Array.from({ length: count }, () => Math.floor(Math.random() * length)).sort((a, b) => a - b);

describe("SseReader", () => {
  const image = randomBytes(5000);
  const event = {
    type: "image_generation.partial_image",
    b64_json: image.toString("base64"),
    partial_image_index: 1,
    size: "1024x1024",
    usage: { input_tokens: 3, output_tokens_details: { image_tokens: 7 } },
    list: [1, "a\"]}", { b: null }],
    flag: true,
    note: "quote \" and \\ backslash and ünïcode",
  };
  const text = `: keep-alive\n\nevent: image_generation.partial_image\ndata: ${JSON.stringify(event)}\n\ndata: [DONE]\n\n`;

  it("parses every field but the image's, and streams the image's bytes to its sink", () => {
    for (const cut of [() => [], everyByte, randomCuts(7), randomCuts(50)]) {
      const { messages, sinks, error } = read(text, cut);
      expect(error).toBeNull();
      expect(messages.map((m) => m.event)).toEqual(["image_generation.partial_image", "message"]);
      expect(messages[0]!.json).toEqual({ ...event, b64_json: new Sunk(sinks[0]) });
      expect(sinks[0]!.bytes.equals(image)).toBe(true);
      expect(messages[1]).toMatchObject({ event: "message", json: null, text: "[DONE]" });
    }
  });

  it("reads CRLF and CR line ends, split anywhere, and a value without the space after the colon", () => {
    const crlf = `event:x\r\ndata:{"b64_json":"${image.toString("base64")}","n":2}\r\n\r\nevent: y\rdata: {"n":3}\r\r`;
    for (const cut of [() => [], everyByte, randomCuts(20)]) {
      const { messages, sinks } = read(crlf, cut);
      expect(messages.map((m) => [m.event, m.json?.n])).toEqual([["x", 2], ["y", 3]]);
      expect(sinks[0]!.bytes.equals(image)).toBe(true);
    }
  });

  it("joins the data lines of one message with a line feed", () => {
    const { messages } = read('data: {"a":\ndata: 1}\n\n');
    expect(messages[0]!.json).toEqual({ a: 1 });
  });

  it("unescapes an image value whose encoder escaped its slashes", () => {
    const bytes = Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0xfa, 0xf9]); // base64 with several "/"
    const escaped = bytes.toString("base64").replace(/\//g, "\\/");
    expect(escaped).toContain("\\/");
    for (const cut of [() => [], everyByte]) {
      const { sinks } = read(`data: {"b64_json":"${escaped}"}\n\n`, cut);
      expect(sinks[0]!.bytes.equals(bytes)).toBe(true);
    }
    const unicode = bytes.toString("base64").replace(/\//g, "\\u002F");
    expect(read(`data: {"b64_json":"${unicode}"}\n\n`, everyByte).sinks[0]!.bytes.equals(bytes)).toBe(true);
  });

  it("refuses data that is not valid JSON, dropping what its image sink held", () => {
    const cases = [`data: {"b64_json":"QUJD","n":}\n\n`, `data: {"b64_json":"QUJD" "n":1}\n\n`, `data: {"b64_json":"QUJD"\n\n`, `data: {"b64_json":"QUJD","n":tru}\n\n`];
    for (const bad of cases) {
      const { error, sinks, messages } = read(bad);
      expect(error, bad).toBeInstanceOf(EventFormatError);
      expect(messages).toEqual([]);
      expect(sinks.map((sink) => sink.aborted), bad).toEqual([true]);
    }
    expect(read(`data: {"a":1}}\n\n`).error).toBeInstanceOf(EventFormatError);
  });

  it("gives data that is not an object as text", () => {
    expect(read("data: 42\n\n").messages[0]).toMatchObject({ event: "message", json: null, text: "42" });
  });

  it("caps a field that is not an image", () => {
    const huge = `data: {"revised_prompt":"${"x".repeat(1024 * 1024 + 10)}"}\n\n`;
    expect(String(read(huge).error)).toMatch(/too large/);
  });

  it("drops the images of a message that is discarded", () => {
    const { messages, sinks } = read(text);
    messages[0]!.discard();
    expect(sinks.map((sink) => sink.aborted)).toEqual([true]);
  });

  it("streams an image field nested in objects and arrays, at any depth, like a top-level one", () => {
    const second = randomBytes(700);
    const nested = {
      type: "response.completed",
      response: {
        output: [
          { type: "image_generation_call", b64_json: image.toString("base64"), note: 'the words "b64_json": "x" in a string' },
          { deeper: { b64_json: second.toString("base64") }, list: ["b64_json", { n: 1 }] },
        ],
        usage: { input_tokens: 3 },
      },
    };
    for (const cut of [() => [], everyByte, randomCuts(30)]) {
      const { messages, sinks, error } = read(`data: ${JSON.stringify(nested)}\n\n`, cut);
      expect(error).toBeNull();
      expect(sinks.map((sink) => sink.bytes.length)).toEqual([image.length, second.length]);
      expect(sinks[0]!.bytes.equals(image) && sinks[1]!.bytes.equals(second)).toBe(true);
      const output = nested.response.output;
      expect(messages[0]!.json).toEqual({
        ...nested,
        response: { ...nested.response, output: [{ ...output[0], b64_json: new Sunk(sinks[0]) }, { ...output[1], deeper: { b64_json: new Sunk(sinks[1]) } }] },
      });
      messages[0]!.discard();
      expect(sinks.map((sink) => sink.aborted)).toEqual([true, true]);
    }
  });

  it("aborts the sink of a message cut off by the end of the stream", () => {
    const { sinks, reader } = read(`data: {"b64_json":"${image.toString("base64").slice(0, 400)}`);
    reader.abort();
    expect(sinks[0]!.aborted).toBe(true);
  });
});
