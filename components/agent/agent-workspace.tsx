"use client";

import { ConversationList } from "@/components/agent/conversation-list";
import { ConversationView } from "@/components/agent/conversation-view";
import type { UploadLimits } from "@/components/edit/incoming-files";

type AgentWorkspaceProps = {
  /** From `?c=`: the conversation to open, or none. */
  conversationId: string | null;
  allowTransparent: boolean;
  limits: UploadLimits;
};

/** The agent page: the conversation list beside the open conversation. */
export function AgentWorkspace({ conversationId, allowTransparent, limits }: AgentWorkspaceProps) {
  return (
    <div className="grid gap-6 lg:grid-cols-[16rem_minmax(0,1fr)]">
      <aside className="lg:self-start">
        <ConversationList selectedId={conversationId} />
      </aside>
      <div className="min-w-0">
        {conversationId ? (
          // Keyed by the conversation: another one starts with its own composer, settings and turn.
          <ConversationView key={conversationId} conversationId={conversationId} allowTransparent={allowTransparent} limits={limits} />
        ) : (
          <p className="rounded-xl border border-dashed border-zinc-800 p-6 text-sm text-zinc-400">Open a conversation from the list, or start a new one.</p>
        )}
      </div>
    </div>
  );
}
