"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { AgentRequestError, createConversation, deleteConversation, listConversations, type ConversationSummary } from "@/components/agent/agent-api";
import { RenameForm } from "@/components/agent/rename-form";
import { CONVERSATIONS_KEY } from "@/components/agent/query-keys";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";

const small = "rounded border border-zinc-700 px-2 py-0.5 text-xs text-zinc-300 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500";

const problemOf = (error: unknown) =>
  error instanceof AgentRequestError ? { code: error.code, message: error.message } : { code: "unknown_error", message: "Something went wrong; try again." };

/** The person's conversations, newest first: open, rename, delete, or start a new one. */
export function ConversationList({ selectedId }: { selectedId: string | null }) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: CONVERSATIONS_KEY, queryFn: ({ signal }) => listConversations(signal) });
  const [renaming, setRenaming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<ConversationSummary | null>(null);

  const create = useMutation({
    mutationFn: createConversation,
    onSuccess: ({ id }) => {
      void queryClient.invalidateQueries({ queryKey: CONVERSATIONS_KEY });
      router.push(`/agent?c=${encodeURIComponent(id)}`);
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => deleteConversation(id),
    onSuccess: (_, id) => {
      setDeleting(null);
      void queryClient.invalidateQueries({ queryKey: CONVERSATIONS_KEY });
      if (id === selectedId) router.replace("/agent");
    },
    onError: () => setDeleting(null),
  });
  const problem = create.error ?? remove.error ?? list.error;

  return (
    <div className="space-y-3">
      <div className="flex items-center justify-between gap-2">
        <h2 id="conversations-title" className="text-sm font-semibold text-zinc-200">
          Conversations
        </h2>
        <button
          type="button"
          onClick={() => create.mutate()}
          disabled={create.isPending}
          aria-busy={create.isPending || undefined}
          className="rounded-md bg-sky-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-sky-500 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-300 disabled:opacity-70"
        >
          New conversation
        </button>
      </div>
      {problem && (
        <div role="alert" className="rounded-md border border-red-500/50 bg-red-950/40 p-3 text-sm text-red-200">
          <p>{problemOf(problem).message}</p>
          <p className="mt-1 font-mono text-xs text-red-300/80">{problemOf(problem).code}</p>
        </div>
      )}
      {list.isPending && <p className="text-sm text-zinc-500">Loading conversations…</p>}
      {list.data?.length === 0 && <p className="text-sm text-zinc-500">No conversations yet.</p>}
      <ul aria-label="Conversations" className="space-y-1">
        {list.data?.map((conversation) => (
          <li key={conversation.id} className={`rounded-md border p-2 ${conversation.id === selectedId ? "border-sky-700 bg-zinc-900" : "border-zinc-800"}`}>
            {renaming === conversation.id ? (
              <RenameForm conversation={conversation} onDone={() => setRenaming(null)} />
            ) : (
              <ConversationItem conversation={conversation} selected={conversation.id === selectedId} onRename={() => setRenaming(conversation.id)} onDelete={() => setDeleting(conversation)} />
            )}
          </li>
        ))}
      </ul>
      {deleting && (
        <ConfirmDialog title="Delete this conversation?" confirmLabel="Delete conversation" pending={remove.isPending} onConfirm={() => remove.mutate(deleting.id)} onCancel={() => setDeleting(null)}>
          “{titleOf(deleting)}” and its messages will be deleted. The images it made stay in history.
        </ConfirmDialog>
      )}
    </div>
  );
}

export const titleOf = (conversation: { title: string | null }) => conversation.title?.trim() || "Untitled conversation";

type ItemProps = { conversation: ConversationSummary; selected: boolean; onRename: () => void; onDelete: () => void };

function ConversationItem({ conversation, selected, onRename, onDelete }: ItemProps) {
  const titleId = `conversation-${conversation.id}`;
  return (
    <>
      <Link
        id={titleId}
        href={`/agent?c=${encodeURIComponent(conversation.id)}`}
        aria-current={selected ? "page" : undefined}
        className="block truncate rounded text-sm font-medium text-zinc-100 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500"
      >
        {titleOf(conversation)}
      </Link>
      {conversation.lastMessage && <p className="truncate text-xs text-zinc-500">{conversation.lastMessage}</p>}
      <div className="mt-1 flex gap-1">
        <button type="button" aria-describedby={titleId} onClick={onRename} className={small}>
          Rename
        </button>
        <button type="button" aria-describedby={titleId} onClick={onDelete} className={`${small} hover:border-red-500 hover:text-red-200`}>
          Delete
        </button>
      </div>
    </>
  );
}
