"use client";

import { useEffect, useReducer, useRef } from "react";
import { flushSync } from "react-dom";
import { turnEventsUrl } from "@/components/agent/agent-api";
import { reduceTurn, TURN_EVENT_TYPES, turnStateFor, type TurnEvent, type TurnState } from "@/components/agent/turn-state";
import type { EndEvent } from "@/lib/generations/events";
import { parseEvent } from "@/components/studio/parse-event";

/**
 * Follows one turn's event stream. The server replays every event from the start, so the same
 * hook serves a turn just sent and a reattach after a reload. EventSource reconnects on its own
 * with Last-Event-ID; the reducer drops any id it has already applied.
 */
export function useTurnEvents(conversationId: string, turnId: string | null, onEnd: (turnId: string, end: EndEvent) => void): TurnState | null {
  const [state, dispatch] = useReducer(reduceTurn, null);
  const latestOnEnd = useRef(onEnd);
  useEffect(() => {
    latestOnEnd.current = onEnd;
  });

  useEffect(() => {
    if (!turnId) return;
    const source = new EventSource(turnEventsUrl(conversationId, turnId));
    let ended = false;
    const listeners = TURN_EVENT_TYPES.map((type) => {
      const listener = (message: MessageEvent<string>) => {
        const event = parseEvent<TurnEvent>(type, message);
        if (!event) return;
        // Pictures are what a person waits for: commit them now rather than in the next batch.
        if (type === "partial" || type === "image") flushSync(() => dispatch({ type: "event", turnId, event }));
        else dispatch({ type: "event", turnId, event });
        if (event.type === "end" && !ended) {
          ended = true;
          source.close();
          latestOnEnd.current(turnId, event.data);
        }
      };
      source.addEventListener(type, listener);
      return [type, listener] as const;
    });
    source.onopen = () => dispatch({ type: "connection", turnId, connection: "open" });
    source.onerror = () => {
      if (ended) return;
      dispatch({ type: "connection", turnId, connection: source.readyState === EventSource.CLOSED ? "lost" : "reconnecting" });
    };
    return () => {
      for (const [type, listener] of listeners) source.removeEventListener(type, listener);
      source.onopen = null;
      source.onerror = null;
      source.close();
    };
  }, [conversationId, turnId]);

  return turnId ? turnStateFor(state, turnId) : null;
}
