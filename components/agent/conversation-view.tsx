"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { AgentRequestError, fetchConversation, isClientError, sendMessage, type ConversationDetail } from "@/components/agent/agent-api";
import { LiveTurn, type PendingMessage } from "@/components/agent/live-turn";
import { buildMessageBody } from "@/components/agent/message-body";
import { MessageComposer, type SendError } from "@/components/agent/message-composer";
import { MessageList } from "@/components/agent/message-list";
import { conversationKey, CONVERSATIONS_KEY } from "@/components/agent/query-keys";
import { ToolSettings } from "@/components/agent/tool-settings";
import { resendText } from "@/components/agent/tool-settings-values";
import { statusLine } from "@/components/agent/turn-state";
import { useAttachments } from "@/components/agent/use-attachments";
import { useSettingsSaver } from "@/components/agent/use-settings-saver";
import { useTurnEvents } from "@/components/agent/use-turn-events";
import type { UploadLimits } from "@/components/edit/incoming-files";
import { usePasteAndDrop } from "@/components/edit/use-paste-drop";

type ConversationViewProps = { conversationId: string; allowTransparent: boolean; limits: UploadLimits };

/** One conversation: loaded from the API, then followed turn by turn. */
export function ConversationView({ conversationId, allowTransparent, limits }: ConversationViewProps) {
  const query = useQuery({
    queryKey: conversationKey(conversationId),
    queryFn: ({ signal }) => fetchConversation(conversationId, signal),
    // Opened again, it may have moved on (a turn ended or started elsewhere): show the cache, then ask.
    staleTime: 0,
    // A 404 (deleted, or never this person's) will not change by asking again.
    retry: (failures, error) => failures < 1 && !isClientError(error),
  });
  if (query.isPending) return <p className="text-sm text-zinc-400">Loading the conversation…</p>;
  if (query.isError) return <Failure error={query.error} />;
  return <OpenConversation conversation={query.data} allowTransparent={allowTransparent} limits={limits} />;
}

function Failure({ error }: { error: Error }) {
  const code = error instanceof AgentRequestError ? error.code : "unknown_error";
  return (
    <div role="alert" className="rounded-md border border-red-500/50 bg-red-950/40 p-3 text-sm text-red-200">
      <p>This conversation could not be opened: {error.message}</p>
      <p className="mt-1 font-mono text-xs text-red-300/80">{code}</p>
    </div>
  );
}

/** The turn this page follows (sent here, or found running on load), and the message it answers. */
type Live = { turnId: string; messageId: string | null; pending: PendingMessage | null };

type OpenConversationProps = { conversation: ConversationDetail; allowTransparent: boolean; limits: UploadLimits };

function OpenConversation({ conversation, allowTransparent, limits }: OpenConversationProps) {
  const { id, messages } = conversation;
  const queryClient = useQueryClient();
  const saver = useSettingsSaver(id, conversation.settings);
  const attachments = useAttachments(conversation.resend.maxImages, limits);
  const dragging = usePasteAndDrop((files) => void attachments.addFiles(files));
  const [live, setLive] = useState<Live | null>(null);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState<SendError | null>(null);

  // Reattach: a turn the server says is running (after a reload, or from another tab) is
  // followed from its first event. Each running turn is adopted once, so a stale answer about a
  // finished turn never takes the view back from a newer one.
  const [adopted, setAdopted] = useState<string | null>(null);
  const active = conversation.activeTurn?.id ?? null;
  if (active && active !== adopted) {
    setAdopted(active);
    if (live?.turnId !== active) setLive({ turnId: active, messageId: null, pending: null });
  }

  const refresh = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: conversationKey(id) });
    void queryClient.invalidateQueries({ queryKey: CONVERSATIONS_KEY });
  }, [id, queryClient]);
  // When the turn ends, the stored conversation has its reply: fetched, it takes the streamed one's place.
  const turn = useTurnEvents(id, live?.turnId ?? null, refresh);

  async function send(text: string): Promise<boolean> {
    if (text.trim() === "") {
      setSendError({ code: "empty_message", message: "Write a message first." });
      document.getElementById("agent-message")?.focus();
      return false;
    }
    setSending(true);
    setSendError(null);
    try {
      if (!(await saver.flush())) {
        setSendError({ code: "settings_not_saved", message: "The tool settings were not saved; fix them and send again." });
        return false;
      }
      const files = attachments.items.flatMap((item) => (item.kind === "upload" ? [item.file] : []));
      const imageIds = attachments.items.flatMap((item) => (item.kind === "picked" ? [item.id] : []));
      const started = await sendMessage(id, buildMessageBody({ text, files, imageIds, mask: attachments.mask }));
      setLive({ turnId: started.turnId, messageId: started.messageId, pending: { text, images: attachments.items.length } });
      attachments.clear();
      refresh();
      return true;
    } catch (error) {
      setSendError(error instanceof AgentRequestError ? { code: error.code, message: error.message } : { code: "unknown_error", message: "The message could not be sent." });
      return false;
    } finally {
      setSending(false);
    }
  }

  const replyStored = live !== null && messages.some((message) => message.role === "assistant" && message.turnId === live.turnId);
  const askStored = live !== null && messages.some((message) => message.role === "user" && (message.id === live.messageId || message.turnId === live.turnId));
  const asked = live?.pending?.text ?? [...messages].reverse().find((message) => message.role === "user")?.text ?? "";
  const status = sending ? "Sending…" : turn ? statusLine(turn) : "";

  return (
    <div className="space-y-4">
      <h2 id="conversation-title" className="text-lg font-semibold tracking-tight">
        {conversation.title || "Untitled conversation"}
      </h2>
      <div className="grid gap-6 xl:grid-cols-[minmax(0,1fr)_20rem]">
        <div className="min-w-0 space-y-4">
          {messages.length === 0 && !live && <p className="text-sm text-zinc-400">Say what to draw; then ask for changes, one message at a time.</p>}
          <MessageList
            messages={messages}
            openTurnIds={new Set(live ? [live.turnId] : [])}
            pickedIds={attachments.pickedIds}
            onTogglePick={attachments.togglePick}
            live={
              turn && !replyStored ? (
                <LiveTurn state={turn} pending={askStored ? null : live?.pending ?? null} asked={asked} pickedIds={attachments.pickedIds} onTogglePick={attachments.togglePick} />
              ) : null
            }
          />
          <p role="status" aria-live="polite" className="min-h-5 text-sm font-medium text-zinc-300">
            {status}
          </p>
          <MessageComposer attachments={attachments} resendNote={resendText(conversation.resend)} dragging={dragging} pending={sending} error={sendError} onSend={send} />
        </div>
        <ToolSettings saver={saver} allowTransparent={allowTransparent} />
      </div>
    </div>
  );
}
