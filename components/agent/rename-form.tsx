"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { AgentRequestError, renameConversation, type ConversationSummary } from "@/components/agent/agent-api";
import { conversationKey, CONVERSATIONS_KEY } from "@/components/agent/query-keys";
import { controlClass } from "@/components/studio/field";

const small = "rounded border border-zinc-700 px-2 py-0.5 text-xs text-zinc-300 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 disabled:opacity-60";

/** A conversation's title, edited in place: Save stores it, Cancel or Esc leaves it as it was. */
export function RenameForm({ conversation, onDone }: { conversation: ConversationSummary; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(conversation.title ?? "");
  const id = useId();
  const rename = useMutation({
    mutationFn: (next: string) => renameConversation(conversation.id, next),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: CONVERSATIONS_KEY }),
        queryClient.invalidateQueries({ queryKey: conversationKey(conversation.id) }),
      ]);
      onDone();
    },
  });
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    rename.mutate(title.trim());
  };
  const error = rename.error instanceof AgentRequestError ? rename.error : null;
  return (
    <form onSubmit={submit} className="space-y-1">
      <label htmlFor={`${id}-title`} className="block text-xs font-medium text-zinc-300">
        Title
      </label>
      <input
        id={`${id}-title`}
        autoFocus
        className={controlClass}
        value={title}
        maxLength={200}
        aria-invalid={rename.isError || undefined}
        aria-describedby={rename.isError ? `${id}-error` : undefined}
        onChange={(event) => setTitle(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === "Escape") onDone();
        }}
      />
      {rename.isError && (
        <p id={`${id}-error`} role="alert" className="text-xs text-red-300">
          {error?.message ?? "The title could not be saved."} <span className="font-mono">{error?.code ?? "unknown_error"}</span>
        </p>
      )}
      <div className="flex gap-1">
        <button type="submit" disabled={rename.isPending} className={small}>
          Save
        </button>
        <button type="button" onClick={onDone} disabled={rename.isPending} className={small}>
          Cancel
        </button>
      </div>
    </form>
  );
}
