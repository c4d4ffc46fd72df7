"use client";

import { useEffect, useReducer } from "react";
import { flushSync } from "react-dom";
import {
  EVENT_TYPES,
  initialGenerationState,
  reduceGeneration,
  type GenerationState,
  type IncomingEvent,
} from "@/components/studio/generation-state";
import { parseEvent } from "@/components/studio/parse-event";

/**
 * Follows one generation's event stream. The server replays every event from the start, so the
 * same hook serves a fresh start and a reattach after reload. EventSource reconnects on its own
 * with Last-Event-ID; the reducer drops any id it has already applied.
 */
export function useGeneration(id: string): GenerationState {
  const [state, dispatch] = useReducer(reduceGeneration, initialGenerationState);

  useEffect(() => {
    const source = new EventSource(`/api/generations/${encodeURIComponent(id)}/events`);
    const listeners = EVENT_TYPES.map((type) => {
      const listener = (message: MessageEvent<string>) => {
        const event = parseEvent<IncomingEvent>(type, message);
        if (!event) return;
        // Pictures are what a person waits for: commit them now rather than in the next batch.
        if (type === "partial" || type === "image") flushSync(() => dispatch({ type: "event", event }));
        else dispatch({ type: "event", event });
        if (type === "end") source.close();
      };
      source.addEventListener(type, listener);
      return [type, listener] as const;
    });
    source.onopen = () => dispatch({ type: "connection", connection: "open" });
    source.onerror = () => {
      const connection = source.readyState === EventSource.CLOSED ? "lost" : "reconnecting";
      dispatch({ type: "connection", connection });
    };
    return () => {
      for (const [type, listener] of listeners) source.removeEventListener(type, listener);
      source.onopen = null;
      source.onerror = null;
      source.close();
    };
  }, [id]);

  return state;
}
