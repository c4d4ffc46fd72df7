"use client";

import type { MessageImage } from "@/components/agent/agent-api";
import { GeneratedImage, PartialPreview } from "@/components/agent/generated-image";
import { MessageShell, MessageText } from "@/components/agent/message-list";
import { partialList, type TurnState } from "@/components/agent/turn-state";

/** The person's message just sent, shown until the stored conversation has it. */
export type PendingMessage = { text: string; images: number };

type LiveTurnProps = {
  state: TurnState;
  pending: PendingMessage | null;
  /** The person's message this turn answers, for the images' alt text when there is no revised prompt. */
  asked: string;
  pickedIds: ReadonlySet<string>;
  onTogglePick: (image: MessageImage) => void;
};

/** A turn as its events arrive: the text as it is written, partial previews, the images, and how it ended. */
export function LiveTurn({ state, pending, asked, pickedIds, onTogglePick }: LiveTurnProps) {
  const partials = partialList(state);
  const failed = state.end && state.end.status !== "done";
  const waiting = !state.end && state.text === "" && partials.length === 0 && state.images.length === 0;
  return (
    <>
      {pending && (
        <MessageShell who="You">
          <MessageText text={pending.text} />
          {pending.images > 0 && <p className="mt-1 text-xs text-zinc-500">{pending.images === 1 ? "With 1 image" : `With ${pending.images} images`}</p>}
        </MessageShell>
      )}
      <MessageShell who="Assistant">
        {waiting && (
          <p aria-hidden="true" className="animate-pulse text-sm text-zinc-500">
            …
          </p>
        )}
        <MessageText text={state.text} />
        {(partials.length > 0 || state.images.length > 0) && (
          <div className="mt-3 space-y-3">
            {state.images.map((image) => (
              <GeneratedImage
                key={image.imageId}
                image={{ id: image.imageId, url: image.url, thumbUrl: image.thumbUrl, width: image.width, height: image.height }}
                about={image.revisedPrompt ?? asked}
                turnId={state.turnId}
                picked={pickedIds.has(image.imageId)}
                onTogglePick={onTogglePick}
              />
            ))}
            {partials.map((partial) => (
              <PartialPreview key={partial.imageIndex} {...partial} />
            ))}
          </div>
        )}
        {failed && (
          <div role="alert" className="mt-3 rounded-md border border-red-500/50 bg-red-950/40 p-3 text-sm text-red-200">
            <p>{state.end?.error?.message ?? (state.end?.status === "cancelled" ? "The turn was cancelled." : "The turn failed.")}</p>
            <p className="mt-1 font-mono text-xs text-red-300/80">{state.end?.error?.code ?? state.end?.status}</p>
          </div>
        )}
        {!state.end && state.connection === "lost" && (
          <div role="alert" className="mt-3 rounded-md border border-amber-500/50 bg-amber-950/30 p-3 text-sm text-amber-200">
            <p>Lost the connection to this turn; it keeps running on the server. Reload the page to follow it again.</p>
            <p className="mt-1 font-mono text-xs text-amber-300/80">connection_lost</p>
          </div>
        )}
      </MessageShell>
    </>
  );
}
