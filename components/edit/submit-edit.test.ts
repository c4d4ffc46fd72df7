import { describe, expect, it } from "vitest";
import { submitEdit } from "@/components/edit/submit-edit";

const answering = (status: number, body: string, seen: { url?: string; init?: RequestInit } = {}) => async (url: string, init: RequestInit) => {
  seen.url = url;
  seen.init = init;
  return new Response(body, { status, headers: { "content-type": "application/json" } });
};

describe("submitEdit", () => {
  it("posts the multipart body to /api/edits and returns the id of a 202", async () => {
    const seen: { url?: string; init?: RequestInit } = {};
    const body = new FormData();
    body.append("prompt", "x");
    expect(await submitEdit(body, answering(202, JSON.stringify({ id: "abc" }), seen))).toEqual({ ok: true, id: "abc" });
    expect(seen.url).toBe("/api/edits");
    expect(seen.init?.method).toBe("POST");
    expect(seen.init?.body).toBe(body);
  });

  it("passes the API's error on with its code and field", async () => {
    const error = { code: "invalid_upload", message: "mask.png: the mask is 512x512; the image is 1024x1024", field: "mask" };
    expect(await submitEdit(new FormData(), answering(422, JSON.stringify({ error })))).toEqual({ ok: false, error });
    const noField = { code: "budget_exceeded", message: "The daily budget is spent" };
    expect(await submitEdit(new FormData(), answering(409, JSON.stringify({ error: noField })))).toEqual({ ok: false, error: noField });
  });

  it("words an answer that is not the API's own, and a connection that failed", async () => {
    expect(await submitEdit(new FormData(), answering(502, "<html>Bad gateway</html>"))).toEqual({ ok: false, error: { code: "http_502", message: expect.stringContaining("HTTP 502") } });
    expect(await submitEdit(new FormData(), answering(413, ""))).toMatchObject({ ok: false, error: { code: "payload_too_large" } });
    expect(await submitEdit(new FormData(), answering(202, "{}"))).toMatchObject({ ok: false, error: { code: "http_202" } });
    const offline = async () => {
      throw new TypeError("Failed to fetch");
    };
    expect(await submitEdit(new FormData(), offline)).toMatchObject({ ok: false, error: { code: "network_error" } });
  });
});
