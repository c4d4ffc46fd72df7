import { describe, expect, it } from "vitest";
import { encodeComment, encodeEvent, resumeAfter } from "@/lib/sse/encode";
import { parseSseText as parse } from "@/test/sse-reader";

describe("SSE encoding", () => {
  it("writes id, event and one JSON data line, even for text with newlines", () => {
    const data = { message: "line one\nline two\r\n: not a comment", n: 1 };
    const wire = encodeEvent({ id: 7, type: "status", data });
    expect(wire.endsWith("\n\n")).toBe(true);
    const [event] = parse(wire);
    expect(event).toEqual({ id: "7", event: "status", data: JSON.stringify(data) });
    expect(JSON.parse(event!.data)).toEqual(data);
  });

  it("keeps comments invisible to the reader", () => {
    expect(parse(encodeComment("heartbeat\nx") + encodeEvent({ id: 1, type: "end", data: {} }))).toHaveLength(1);
  });

  it("resumes after the Last-Event-ID header, else the query, else from the start", () => {
    expect(resumeAfter("12", null)).toBe(12);
    expect(resumeAfter(null, "5")).toBe(5);
    expect(resumeAfter("12", "5")).toBe(12);
    expect(resumeAfter(null, null)).toBe(0);
    expect(resumeAfter("abc", "3")).toBe(3);
    expect(resumeAfter("-1", null)).toBe(0);
    expect(resumeAfter(" 9 ", null)).toBe(9);
  });
});
