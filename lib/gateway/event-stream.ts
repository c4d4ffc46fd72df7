import "server-only";
import { randomBytes } from "node:crypto";

/**
 * A gateway's server-sent events, read without ever holding an image in memory. A 3840x2160 PNG
 * arrives as one `data:` line of some 25 MB of base64; parsed whole, it would sit in memory three
 * times over (the line, the parsed string, the decoded bytes), twenty times at once under load.
 * Here each message's JSON is parsed as its bytes arrive, and the string value of an image field
 * (`b64_json`; or nested, as the Responses API's `item.result`) is base64-decoded straight into a
 * sink the caller opens for it (a file being written): the parsed data holds whatever the sink's
 * `end()` returned in its place. Everything else in a message is small, and capped.
 */
export interface ByteSink<T> {
  write(bytes: Buffer): void;
  end(): T;
  /** The message was cut short or is unusable: drop what was written. */
  abort(): void;
}

export type SseMessage = {
  event: string;
  /** The data as a JSON object, image fields' values replaced by Sunk; null when not an object. */
  json: Record<string, unknown> | null;
  /** The data as text when it is not a JSON object (`[DONE]`). */
  text: string;
  /** Drops the images the message carried, for a message that will not be used. */
  discard(): void;
};

/** An image field's value as it landed: what its sink's `end()` returned. */
export class Sunk<T> {
  constructor(readonly value: T) {}
}

/** The data is not what a gateway sends: malformed JSON, or an oversized field. */
export class EventFormatError extends Error {}

/** Fails the stream rather than hold an unbounded non-image field. */
const MAX_SMALL_BYTES = 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;
const SPACE = 0x20;
/**
 * Stands in a nested value's text for an image streamed out of it, until the value is parsed. The
 * random part keeps a string the gateway sent from ever being taken for one.
 */
const NESTED_MARKER = `\u0000sunk:${randomBytes(8).toString("hex")}:`;

/** Splits the byte stream into SSE lines and fields (WHATWG rules), streaming `data` into a DataScanner. */
export class SseReader<T> {
  private field: number[] = [];
  /** null: reading the field name; otherwise the field whose value is being read. */
  private current: string | null = null;
  private skipSpace = false;
  private lastWasCR = false;
  private value: Buffer[] = [];
  private valueBytes = 0;
  private event = "";
  private data: DataScanner<T> | null = null;

  constructor(
    private readonly openSink: (field: string) => ByteSink<T>,
    private readonly imageFields: ReadonlySet<string>,
    private readonly onMessage: (message: SseMessage) => void,
  ) {}

  feed(chunk: Uint8Array): void {
    try {
      this.read(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  private read(bytes: Buffer): void {
    let pos = 0;
    if (this.lastWasCR && bytes[0] === LF) pos = 1;
    this.lastWasCR = false;
    while (pos < bytes.length) {
      if (this.current === null) {
        pos = this.readName(bytes, pos);
        continue;
      }
      if (this.skipSpace) {
        this.skipSpace = false;
        if (bytes[pos] === SPACE) pos++;
        continue;
      }
      const end = lineEnd(bytes, pos);
      this.takeValue(bytes.subarray(pos, end === -1 ? bytes.length : end));
      if (end === -1) return;
      pos = this.endLine(bytes, end);
    }
  }

  /** Bytes of a field name, up to its colon or the line's end. */
  private readName(bytes: Buffer, pos: number): number {
    for (let i = pos; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (byte === COLON) {
        this.current = Buffer.from(this.field).toString("utf8");
        this.field = [];
        this.skipSpace = true;
        if (this.current === "data") this.startData();
        return i + 1;
      }
      if (byte === LF || byte === CR) {
        // A whole line without a colon: an empty line dispatches; a bare name is a field with no value.
        const name = Buffer.from(this.field).toString("utf8");
        this.field = [];
        if (name === "") this.dispatch();
        else if (name === "data") this.startData();
        return this.afterTerminator(bytes, i);
      }
      if (this.field.length > 64) throw new EventFormatError("The gateway sent a line the studio cannot read as an event field.");
      this.field.push(byte);
    }
    return bytes.length;
  }

  private startData(): void {
    if (this.data) this.data.lineBreak();
    else this.data = new DataScanner(this.openSink, this.imageFields);
  }

  private takeValue(slice: Buffer): void {
    if (slice.length === 0) return;
    if (this.current === "data") return this.data!.feed(slice);
    if (this.current !== "event") return; // id, retry, comments (an empty name) and unknown fields
    this.valueBytes += slice.length;
    if (this.valueBytes > 256) throw new EventFormatError("The gateway sent an event name the studio cannot read.");
    this.value.push(Buffer.from(slice));
  }

  private endLine(bytes: Buffer, end: number): number {
    if (this.current === "event") this.event = Buffer.concat(this.value).toString("utf8");
    this.current = null;
    this.value = [];
    this.valueBytes = 0;
    return this.afterTerminator(bytes, end);
  }

  private afterTerminator(bytes: Buffer, at: number): number {
    if (bytes[at] === CR) {
      if (at + 1 === bytes.length) this.lastWasCR = true;
      else if (bytes[at + 1] === LF) return at + 2;
    }
    return at + 1;
  }

  private dispatch(): void {
    const data = this.data;
    const event = this.event || "message";
    this.data = null;
    this.event = "";
    if (data) this.onMessage({ event, ...data.finish(), discard: () => data.abort() });
  }

  /** The stream ended or failed: a message never dispatched drops what its sinks hold. */
  abort(): void {
    this.data?.abort();
    this.data = null;
  }
}

function nestOf(bracket: number): Nest {
  return { object: bracket === 0x7b, expectKey: bracket === 0x7b, key: "" };
}

function lineEnd(bytes: Buffer, from: number): number {
  const lf = bytes.indexOf(LF, from);
  const cr = bytes.indexOf(CR, from);
  if (lf === -1) return cr;
  return cr === -1 ? lf : Math.min(lf, cr);
}

type State = "start" | "key-or-end" | "key" | "colon" | "value" | "small" | "image" | "after-value" | "done" | "text";
/** An object or array a nested value is inside: image fields stream out of objects at any depth. */
type Nest = { object: boolean; expectKey: boolean; key: string };

/** The data of one message: a JSON object whose image fields stream to sinks, or plain text. */
class DataScanner<T> {
  private state: State = "start";
  private small: number[] = [];
  private key = "";
  private readonly fields: Record<string, unknown> = {};
  private readonly open: ByteSink<T>[] = [];
  // A small value being read: the objects and arrays it is inside, and whether inside a string (after a backslash).
  private nest: Nest[] = [];
  private inString = false;
  private escaped = false;
  /** Where a nested object's key being read starts in `small`; -1 inside a string that is not a key. */
  private keyAt = -1;
  private image: ImageValue<T> | null = null;
  /** Images streamed out of the nested value being read, in the order their markers name them. */
  private nested: T[] = [];

  constructor(
    private readonly openSink: (field: string) => ByteSink<T>,
    private readonly imageFields: ReadonlySet<string>,
  ) {}

  /** Between two `data:` lines of one message, the data holds a line feed (none after the last). */
  lineBreak(): void {
    this.feed(Buffer.from("\n"));
  }

  feed(bytes: Buffer): void {
    let pos = 0;
    while (pos < bytes.length) {
      if (this.state === "image") {
        const used = this.image!.feed(bytes, pos);
        pos = used.next;
        if (used.closed) this.closeImage();
        continue;
      }
      if (this.state === "text") {
        this.keep(bytes.subarray(pos));
        return;
      }
      this.step(bytes[pos]!);
      pos++;
    }
  }

  private step(byte: number): void {
    const space = byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
    switch (this.state) {
      case "start":
        if (space) return;
        if (byte === 0x7b) this.state = "key-or-end";
        else {
          this.state = "text";
          this.keep(Buffer.of(byte));
        }
        return;
      case "key-or-end":
        if (space) return;
        if (byte === 0x7d && Object.keys(this.fields).length === 0) this.state = "done";
        else if (byte === 0x22) this.startSmall("key", byte);
        else throw this.malformed();
        return;
      case "key":
        this.keepSmall(byte);
        if (this.small.length > 1 && this.stringClosed(byte)) {
          this.key = this.parseSmall() as string;
          this.state = "colon";
        }
        return;
      case "colon":
        if (space) return;
        if (byte !== COLON) throw this.malformed();
        this.state = "value";
        return;
      case "value":
        if (space) return;
        if (byte === 0x22 && this.imageFields.has(this.key)) return this.openImage(this.key);
        if (byte === 0x2c || byte === 0x7d || byte === 0x5d || byte === COLON) throw this.malformed();
        this.startSmall("small", byte);
        this.nest = byte === 0x7b || byte === 0x5b ? [nestOf(byte)] : [];
        return;
      case "small":
        this.smallStep(byte, space);
        return;
      case "after-value":
        if (space) return;
        if (byte === 0x2c) this.state = "key-or-end";
        else if (byte === 0x7d) this.state = "done";
        else throw this.malformed();
        return;
      case "done":
        if (!space) throw this.malformed();
        return;
    }
  }

  private openImage(field: string): void {
    const sink = this.openSink(field);
    this.open.push(sink);
    this.image = new ImageValue(sink);
    this.state = "image";
  }

  private closeImage(): void {
    const value = this.image!.end();
    this.image = null;
    if (this.nest.length === 0) {
      this.fields[this.key] = new Sunk(value);
      this.state = "after-value";
      return;
    }
    this.nested.push(value);
    this.keep(Buffer.from(JSON.stringify(`${NESTED_MARKER}${this.nested.length - 1}`)));
    this.state = "small";
  }

  /** One byte of a non-image value: a string, a number, a literal, or a nested object or array. */
  private smallStep(byte: number, space: boolean): void {
    const first = this.small[0]!;
    if (first === 0x7b || first === 0x5b) return this.nestedStep(byte);
    if (first !== 0x22 && (space || byte === 0x2c || byte === 0x7d)) {
      this.endSmall();
      this.step(byte);
      return;
    }
    this.keepSmall(byte);
    if (first === 0x22 && this.small.length > 1 && this.stringClosed(byte)) this.endSmall();
  }

  /**
   * One byte inside a nested object or array. Keys are followed so that an image field nested in
   * another (the Responses API's `item.result`) streams to a sink like a top-level one.
   */
  private nestedStep(byte: number): void {
    const top = this.nest.at(-1)!;
    if (this.inString) {
      this.keepSmall(byte);
      if (this.stringClosed(byte) && this.keyAt >= 0) top.key = this.nestedKey();
      return;
    }
    if (byte === 0x22 && top.object && !top.expectKey && this.imageFields.has(top.key)) return this.openImage(top.key);
    this.keepSmall(byte);
    if (byte === 0x22) {
      this.inString = true;
      this.keyAt = top.object && top.expectKey ? this.small.length - 1 : -1;
    } else if (byte === COLON) top.expectKey = false;
    else if (byte === 0x2c) top.expectKey = top.object;
    else if (byte === 0x7b || byte === 0x5b) this.nest.push(nestOf(byte));
    else if (byte === 0x7d || byte === 0x5d) {
      this.nest.pop();
      if (this.nest.length === 0) this.endSmall();
    }
  }

  private nestedKey(): string {
    const text = Buffer.from(this.small.slice(this.keyAt)).toString("utf8");
    this.keyAt = -1;
    try {
      return JSON.parse(text) as string;
    } catch {
      throw this.malformed();
    }
  }

  /** Inside a string: whether this byte closes it (a quote not escaped). */
  private stringClosed(byte: number): boolean {
    if (this.escaped) {
      this.escaped = false;
      return false;
    }
    if (byte === 0x5c) this.escaped = true;
    else if (byte === 0x22) {
      this.inString = false;
      return true;
    }
    return false;
  }

  private startSmall(state: "key" | "small", byte: number): void {
    this.state = state;
    this.small = [byte];
    this.inString = false;
    this.escaped = false;
  }

  private keepSmall(byte: number): void {
    if (this.small.length >= MAX_SMALL_BYTES) throw new EventFormatError("The gateway sent an event the studio cannot read (a field too large to be anything but an image).");
    this.small.push(byte);
  }

  private endSmall(): void {
    this.fields[this.key] = this.parseSmall();
    this.state = "after-value";
  }

  private parseSmall(): unknown {
    const nested = this.nested;
    const text = Buffer.from(this.small).toString("utf8");
    this.small = [];
    this.nested = [];
    try {
      if (nested.length === 0) return JSON.parse(text) as unknown;
      return JSON.parse(text, (_key, value: unknown) =>
        typeof value === "string" && value.startsWith(NESTED_MARKER) ? new Sunk(nested[Number(value.slice(NESTED_MARKER.length))]) : value,
      ) as unknown;
    } catch {
      throw this.malformed();
    }
  }

  private keep(bytes: Buffer): void {
    if (this.small.length + bytes.length > MAX_SMALL_BYTES) throw new EventFormatError("The gateway sent an event the studio cannot read (it is too large).");
    for (const byte of bytes) this.small.push(byte);
  }

  finish(): { json: Record<string, unknown> | null; text: string } {
    if (this.state === "text" || this.state === "start") return { json: null, text: Buffer.from(this.small).toString("utf8").trim() };
    try {
      if (this.state === "small") this.endSmall();
      if (this.state !== "done") throw this.malformed();
    } catch (error) {
      this.abort();
      throw error;
    }
    return { json: this.fields, text: "" };
  }

  abort(): void {
    for (const sink of this.open) sink.abort();
    this.open.length = 0;
  }

  private malformed(): EventFormatError {
    return new EventFormatError("The gateway sent an event the studio cannot read (its data is not valid JSON).");
  }
}

/**
 * The string value of an image field, base64-decoded as it arrives. Base64 has no characters JSON
 * must escape, so the fast path looks only for the closing quote. A value that escapes some (`\/`,
 * as some encoders write "/") is unescaped, then decoded skipping what is not base64, as
 * Buffer.from does; other stray characters make bytes that will not read as an image.
 */
class ImageValue<T> {
  private carry = "";
  private escapes = false;
  /** An escape split across chunks: the backslash and what followed it so far. */
  private pendingEscape = "";

  constructor(private readonly sink: ByteSink<T>) {}

  /** Consumes bytes from `pos`; `closed` once the closing quote is read, `next` just after it. */
  feed(bytes: Buffer, pos: number): { next: number; closed: boolean } {
    const quote = bytes.indexOf(0x22, pos);
    const stop = quote === -1 ? bytes.length : quote;
    const backslash = bytes.indexOf(0x5c, pos);
    if (this.pendingEscape || (backslash !== -1 && backslash < stop)) return this.feedEscaped(bytes, pos);
    this.decode(bytes.toString("latin1", pos, stop));
    return quote === -1 ? { next: stop, closed: false } : { next: quote + 1, closed: true };
  }

  /** Runs between escapes are copied whole; only the escapes are read character by character. */
  private feedEscaped(bytes: Buffer, pos: number): { next: number; closed: boolean } {
    this.escapes = true;
    let text = "";
    let i = pos;
    while (i < bytes.length) {
      if (this.pendingEscape) {
        this.pendingEscape += String.fromCharCode(bytes[i++]!);
        const escape = this.pendingEscape;
        if (escape.length === 2 && escape[1] !== "u") {
          text += escape[1] === "/" ? "/" : "";
          this.pendingEscape = "";
        } else if (escape.length === 6) {
          text += String.fromCharCode(Number.parseInt(escape.slice(2), 16));
          this.pendingEscape = "";
        }
        continue;
      }
      const quote = bytes.indexOf(0x22, i);
      const backslash = bytes.indexOf(0x5c, i);
      const next = [quote, backslash].filter((at) => at !== -1);
      const at = next.length > 0 ? Math.min(...next) : bytes.length;
      text += bytes.toString("latin1", i, at);
      if (at === bytes.length) break;
      if (at === quote) {
        this.decode(text);
        return { next: quote + 1, closed: true };
      }
      this.pendingEscape = "\\";
      i = at + 1;
    }
    this.decode(text);
    return { next: bytes.length, closed: false };
  }

  private decode(chunk: string): void {
    const text = this.carry + (this.escapes ? chunk.replace(/[^A-Za-z0-9+/=_-]/g, "") : chunk);
    const usable = text.length - (text.length % 4);
    if (usable > 0) this.sink.write(Buffer.from(text.slice(0, usable), "base64"));
    this.carry = text.slice(usable);
  }

  end(): T {
    if (this.carry) this.sink.write(Buffer.from(this.carry, "base64"));
    this.carry = "";
    return this.sink.end();
  }
}
