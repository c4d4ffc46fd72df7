import { afterEach, describe, expect, it, vi } from "vitest";
import { AgentRequestError, deleteConversation, fetchConversation, listConversations, listHistoryPicks, sendMessage, turnEventsUrl } from "@/components/agent/agent-api";
import { buildMessageBody } from "@/components/agent/message-body";

const CONVERSATION = "33333333-3333-4333-8333-333333333333";

type Call = { url: string; init: RequestInit };

function answer(status: number, body: unknown): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  });
  return calls;
}

afterEach(() => vi.unstubAllGlobals());

/** A detail as lib/agent/conversations.ts conversationDetail answers it. */
const detail = {
  id: CONVERSATION,
  title: "A fox",
  settings: { textModel: "gpt-5.5", size: "1024x1024", quality: "auto", format: "webp", compression: 80, background: "auto", partialImages: 2, action: "auto" },
  messages: [
    { id: "m1", role: "user", text: "a fox", images: [], maskImageId: null, turnId: "t1", createdAt: "2026-12-06T10:00:00.000Z", turn: { id: "t1", status: "done", error: null } },
    {
      id: "m2",
      role: "assistant",
      text: "Here it is.",
      images: [{ id: "i1", url: "/api/images/i1", thumbUrl: "/api/images/i1/thumb", width: 1024, height: 1024 }],
      maskImageId: null,
      turnId: "t1",
      createdAt: "2026-12-06T10:00:05.000Z",
      turn: null,
    },
  ],
  activeTurn: null,
  limits: { maxImages: 3, imageEdge: 1024 },
};

describe("fetchConversation", () => {
  it("reads the server's detail, the resend limits included", async () => {
    answer(200, detail);
    const conversation = await fetchConversation(CONVERSATION);
    expect(conversation.settings.format).toBe("webp");
    expect(conversation.settings.compression).toBe(80);
    expect(conversation.resend).toEqual({ maxImages: 3, imageEdge: 1024 });
    expect(conversation.messages.map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(conversation.messages[0]?.turn?.status).toBe("done");
    expect(conversation.messages[1]?.images[0]?.id).toBe("i1");
  });

  it("fills what the server leaves out from the defaults", async () => {
    answer(200, { ...detail, settings: { size: "1536x1024" }, limits: undefined, activeTurn: { id: "t2", status: "running" } });
    const conversation = await fetchConversation(CONVERSATION);
    expect(conversation.settings.size).toBe("1536x1024");
    expect(conversation.settings.quality).toBe("auto");
    expect(conversation.resend).toEqual({ maxImages: 4, imageEdge: 1536 });
    expect(conversation.activeTurn).toEqual({ id: "t2", status: "running" });
  });

  it("turns the API's error into one with its code and status", async () => {
    answer(404, { error: { code: "not_found", message: "Conversation not found" } });
    const failure = await fetchConversation(CONVERSATION).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AgentRequestError);
    expect(failure).toMatchObject({ code: "not_found", status: 404, message: "Conversation not found" });
  });

  it("says so when an answer is not in the expected shape", async () => {
    answer(200, { id: CONVERSATION });
    await expect(fetchConversation(CONVERSATION)).rejects.toMatchObject({ code: "unexpected_response" });
  });
});

describe("listConversations", () => {
  it("reads the last message as a line of text", async () => {
    answer(200, {
      items: [
        { id: "a", title: null, updatedAt: "2026-12-06T10:00:00.000Z", lastMessage: { role: "assistant", text: "Here it is." } },
        { id: "b", title: "Posters", updatedAt: "2026-12-05T10:00:00.000Z", lastMessage: null },
      ],
    });
    const items = await listConversations();
    expect(items.map((item) => item.lastMessage)).toEqual(["Here it is.", null]);
    expect(items[1]?.title).toBe("Posters");
  });
});

describe("sendMessage", () => {
  it("posts JSON when nothing is attached and reads the turn", async () => {
    const calls = answer(202, { turnId: "t9", messageId: "m9" });
    const sent = await sendMessage(CONVERSATION, buildMessageBody({ text: "warmer", files: [], imageIds: ["i1"], mask: null }));
    expect(sent).toEqual({ turnId: "t9", messageId: "m9" });
    expect(calls[0]?.url).toBe(`/api/conversations/${CONVERSATION}/messages`);
    expect(new Headers(calls[0]?.init.headers).get("content-type")).toBe("application/json");
    expect(JSON.parse(String(calls[0]?.init.body))).toEqual({ text: "warmer", imageIds: ["i1"] });
  });

  it("posts multipart without a content type of its own, so the browser sets the boundary", async () => {
    const calls = answer(202, { turnId: "t9", messageId: "m9" });
    const file = new File([new Uint8Array([1])], "logo.png", { type: "image/png" });
    await sendMessage(CONVERSATION, buildMessageBody({ text: "add the logo", files: [file], imageIds: [], mask: null }));
    expect(calls[0]?.init.body).toBeInstanceOf(FormData);
    expect(new Headers(calls[0]?.init.headers).get("content-type")).toBeNull();
  });

  it("passes a 409 turn_active on as it is worded", async () => {
    answer(409, { error: { code: "turn_active", message: "A reply in this conversation is still queued or running" } });
    await expect(sendMessage(CONVERSATION, buildMessageBody({ text: "again", files: [], imageIds: [], mask: null }))).rejects.toMatchObject({ code: "turn_active", status: 409 });
  });

  it("names a failure to reach the server", async () => {
    vi.stubGlobal("fetch", async () => {
      throw new TypeError("fetch failed");
    });
    await expect(deleteConversation(CONVERSATION)).rejects.toMatchObject({ code: "network_error", status: 0 });
  });
});

it("builds the turn's event stream address", () => {
  expect(turnEventsUrl(CONVERSATION, "t1")).toBe(`/api/conversations/${CONVERSATION}/turns/t1/events`);
});

describe("listHistoryPicks", () => {
  const cover = (id: string) => ({ id, width: 1024, height: 768, thumbUrl: `/api/images/${id}/thumb` });

  it("asks for the 24 latest finished generations and keeps those with a cover, as stored images", async () => {
    const calls = answer(200, {
      items: [
        { id: "g1", prompt: "a fox", status: "done", cover: cover("i1") },
        { id: "g2", prompt: "no images", cover: null },
        { id: "g3", prompt: null, cover: cover("i3") },
      ],
      nextCursor: "abc",
    });
    expect(await listHistoryPicks("")).toEqual([
      { generationId: "g1", prompt: "a fox", image: { id: "i1", url: "/api/images/i1", thumbUrl: "/api/images/i1/thumb", width: 1024, height: 768 } },
      { generationId: "g3", prompt: "", image: { id: "i3", url: "/api/images/i3", thumbUrl: "/api/images/i3/thumb", width: 1024, height: 768 } },
    ]);
    expect(calls[0]?.url).toBe("/api/generations?status=done&limit=24");
  });

  it("passes a search as q, trimmed", async () => {
    const calls = answer(200, { items: [], nextCursor: null });
    await listHistoryPicks("  red fox ");
    expect(calls[0]?.url).toBe("/api/generations?status=done&limit=24&q=red+fox");
  });

  it("names the endpoint when the answer is not a page", async () => {
    answer(200, { generations: [] });
    await expect(listHistoryPicks("")).rejects.toMatchObject({ code: "unexpected_response" });
  });
});
