"use client";

/* eslint-disable @next/next/no-img-element -- our own stored thumbnails. */

import Link from "next/link";
import type { ReactNode } from "react";
import type { MessageImage, StoredMessage } from "@/components/agent/agent-api";
import { GeneratedImage } from "@/components/agent/generated-image";

type MessageListProps = {
  messages: readonly StoredMessage[];
  /** The turn being followed (or last followed), drawn after the stored messages until its reply is stored. */
  live: ReactNode;
  /** Turns that are still running or shown live, so they are not called "ended without a reply". */
  openTurnIds: ReadonlySet<string>;
  pickedIds: ReadonlySet<string>;
  onTogglePick: (image: MessageImage) => void;
};

/** The conversation as stored: each person's message, then the reply with the images the tool made. */
export function MessageList({ messages, live, openTurnIds, pickedIds, onTogglePick }: MessageListProps) {
  const replied = new Set(messages.flatMap((message) => (message.role === "assistant" && message.turnId ? [message.turnId] : [])));
  const asked = askedBefore(messages);
  return (
    <ol aria-label="Conversation so far" className="space-y-4">
      {messages.map((message, index) => {
        if (message.role === "user") {
          const running = message.turn?.status === "queued" || message.turn?.status === "running";
          const unanswered = message.turnId !== null && !replied.has(message.turnId) && !openTurnIds.has(message.turnId) && !running;
          return <UserMessage key={message.id} message={message} unanswered={unanswered} pickedIds={pickedIds} onTogglePick={onTogglePick} />;
        }
        return <AssistantMessage key={message.id} message={message} asked={asked[index] ?? ""} pickedIds={pickedIds} onTogglePick={onTogglePick} />;
      })}
      {live}
    </ol>
  );
}

/** For each message, the text of the latest person's message up to it: what a reply's images were asked for. */
function askedBefore(messages: readonly StoredMessage[]): string[] {
  const asked: string[] = [];
  let last = "";
  for (const message of messages) {
    if (message.role === "user") last = message.text;
    asked.push(last);
  }
  return asked;
}

export function MessageShell({ who, children }: { who: "You" | "Assistant"; children: ReactNode }) {
  const mine = who === "You";
  return (
    <li className={`rounded-xl border p-4 ${mine ? "ml-8 border-zinc-700 bg-zinc-900" : "mr-8 border-zinc-800 bg-zinc-950"}`}>
      <p className="mb-1 text-xs font-semibold uppercase tracking-wide text-zinc-500">{who}</p>
      {children}
    </li>
  );
}

export function MessageText({ text }: { text: string }) {
  return text ? <p className="whitespace-pre-wrap break-words text-sm leading-relaxed text-zinc-100">{text}</p> : null;
}

type UserMessageProps = { message: StoredMessage; unanswered: boolean; pickedIds: ReadonlySet<string>; onTogglePick: (image: MessageImage) => void };

function UserMessage({ message, unanswered, pickedIds, onTogglePick }: UserMessageProps) {
  return (
    <MessageShell who="You">
      <MessageText text={message.text} />
      {message.images.length > 0 && (
        <ul aria-label="Images sent" className="mt-2 flex flex-wrap gap-2">
          {message.images.map((image, position) => (
            <li key={image.id} className="w-28 space-y-1 text-xs">
              <img src={image.thumbUrl} alt={`Attached image ${position + 1}`} className="aspect-square w-full rounded border border-zinc-800 object-cover" />
              <button
                type="button"
                aria-pressed={pickedIds.has(image.id)}
                onClick={() => onTogglePick(image)}
                className="w-full rounded border border-zinc-700 px-1.5 py-0.5 text-zinc-200 hover:bg-zinc-800 focus:outline-none focus-visible:ring-2 focus-visible:ring-sky-500 aria-pressed:border-sky-500 aria-pressed:bg-sky-950"
              >
                Use this image
              </button>
            </li>
          ))}
        </ul>
      )}
      {message.maskImageId && <p className="mt-1 text-xs text-zinc-500">With a mask on the first image.</p>}
      {unanswered && message.turnId && (
        <p className="mt-2 text-xs text-zinc-400">
          {message.turn?.error ? (
            <>
              No reply: {message.turn.error.message} <span className="font-mono text-zinc-500">{message.turn.error.code}</span>.{" "}
            </>
          ) : (
            "No reply was stored for this message. "
          )}
          <Link href={`/history/${encodeURIComponent(message.turnId)}`} prefetch={false} className="text-sky-400 hover:underline">
            See the turn in history
          </Link>
        </p>
      )}
    </MessageShell>
  );
}

type AssistantMessageProps = { message: StoredMessage; asked: string; pickedIds: ReadonlySet<string>; onTogglePick: (image: MessageImage) => void };

function AssistantMessage({ message, asked, pickedIds, onTogglePick }: AssistantMessageProps) {
  return (
    <MessageShell who="Assistant">
      <MessageText text={message.text} />
      {message.images.length > 0 && (
        <div className="mt-3 space-y-3">
          {message.images.map((image) => (
            <GeneratedImage key={image.id} image={image} about={asked || message.text} turnId={message.turnId} picked={pickedIds.has(image.id)} onTogglePick={onTogglePick} />
          ))}
        </div>
      )}
    </MessageShell>
  );
}
