"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import { AgentRequestError, saveSettings } from "@/components/agent/agent-api";
import { conversationKey } from "@/components/agent/query-keys";
import { draftOf, settingsBody, type SettingsDraft, type ToolSettings } from "@/components/agent/tool-settings-values";

export type SettingsSaver = {
  draft: SettingsDraft;
  error: { code: string; message: string } | null;
  saving: boolean;
  /** Changes the form at once and saves after `delay` ms (typing waits; a select saves now). */
  change(change: Partial<SettingsDraft>, delay?: number): void;
  /** Saves what is waiting now; resolves whether the settings on the server are the form's. */
  flush(): Promise<boolean>;
};

/**
 * The tool settings form's state and its saving (PATCH, one at a time, in order). Send flushes it
 * first, so a turn always runs with the settings the form shows.
 */
export function useSettingsSaver(conversationId: string, initial: ToolSettings): SettingsSaver {
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(initial));
  const [error, setError] = useState<SettingsSaver["error"]>(null);
  const [saving, setSaving] = useState(false);
  // What is typed but not yet sent, its timer, and the chain of saves (each waits for the one before).
  const work = useRef({ latest: draft, waiting: null as SettingsDraft | null, timer: undefined as ReturnType<typeof setTimeout> | undefined, chain: Promise.resolve(true) });

  const save = useCallback(
    (next: SettingsDraft): Promise<boolean> => {
      work.current.chain = work.current.chain.then(async () => {
        setSaving(true);
        try {
          await saveSettings(conversationId, settingsBody(next));
          setError(null);
          return true;
        } catch (cause) {
          setError(cause instanceof AgentRequestError ? { code: cause.code, message: cause.message } : { code: "unknown_error", message: "The settings could not be saved." });
          return false;
        } finally {
          setSaving(false);
          void queryClient.invalidateQueries({ queryKey: conversationKey(conversationId) });
        }
      });
      return work.current.chain;
    },
    [conversationId, queryClient],
  );

  const flush = useCallback((): Promise<boolean> => {
    const pending = work.current;
    clearTimeout(pending.timer);
    const waiting = pending.waiting;
    pending.waiting = null;
    return waiting ? save(waiting) : pending.chain;
  }, [save]);

  const change = useCallback(
    (partial: Partial<SettingsDraft>, delay = 0) => {
      const pending = work.current;
      const next = { ...pending.latest, ...partial };
      pending.latest = next;
      pending.waiting = next;
      setDraft(next);
      clearTimeout(pending.timer);
      pending.timer = setTimeout(() => void flush(), delay);
    },
    [flush],
  );

  // Leaving the conversation mid-typing still saves what was typed.
  const latestFlush = useRef(flush);
  useEffect(() => {
    latestFlush.current = flush;
  });
  useEffect(() => () => void latestFlush.current(), []);

  return { draft, error, saving, change, flush };
}
