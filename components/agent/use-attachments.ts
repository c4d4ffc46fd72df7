"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { MessageImage } from "@/components/agent/agent-api";
import { admit, firstAttachment, ordered, togglePicked, type Attachment, type PickSource, type UploadAttachment } from "@/components/agent/attachments";
import { pixelRefusal, refusalText, type Refusal, type UploadLimits } from "@/components/edit/incoming-files";
import { readPicture } from "@/components/edit/read-picture";
import { useObjectUrls } from "@/components/edit/use-object-urls";

export type Attachments = {
  /** In the order they are sent: uploads, then images already stored (conversation and history picks alike). */
  items: Attachment[];
  first: Attachment | null;
  /** The mask painted on the first image, while it is still the first. */
  mask: Blob | null;
  /** The last files refused, one "name: why" each. */
  refused: string[];
  pickedIds: ReadonlySet<string>;
  /** How many images may go with one message. */
  max: number;
  addFiles(files: File[]): Promise<void>;
  /** Picks or unpicks a stored image; answers why it was not added, or null. */
  togglePick(image: MessageImage, from?: PickSource): string | null;
  remove(key: string): void;
  setMask(mask: Blob | null): void;
  clear(): void;
};

/** The images of the next message and the mask on its first one, with their object URLs looked after. */
export function useAttachments(max: number, limits: UploadLimits): Attachments {
  const urls = useObjectUrls();
  const [items, setItems] = useState<Attachment[]>([]);
  const [painted, setPainted] = useState<{ key: string; blob: Blob } | null>(null);
  const [refused, setRefused] = useState<string[]>([]);
  const serial = useRef(0);
  // Files may arrive twice before a render (a drop, then a paste): the cap counts the latest.
  const count = useRef(0);
  useEffect(() => {
    count.current = items.length;
  }, [items.length]);

  const addFiles = useCallback(
    async (files: File[]) => {
      const { admitted, refused: early } = admit(files, count.current, max, limits);
      count.current += admitted.length;
      const loaded = await Promise.all(admitted.map((file) => load(file, limits, (serial.current += 1))));
      const added = loaded.filter((item): item is UploadAttachment => typeof item !== "string");
      const late = loaded.filter((item): item is string => typeof item === "string");
      count.current -= late.length;
      for (const item of added) urls.adopt(item.url);
      if (added.length > 0) setItems((existing) => [...existing, ...added]);
      setRefused([...refusalText(early), ...late]);
    },
    [limits, max, urls],
  );

  const togglePick = useCallback(
    (image: MessageImage, from: PickSource = "conversation") => {
      const next = togglePicked(items, image, from, count.current, max);
      if (next.change === "added") count.current += 1;
      if (next.change !== "removed") setRefused(next.refusal ? [next.refusal] : []);
      if (next.change !== "none") setItems(next.items);
      return next.refusal;
    },
    [items, max],
  );

  const remove = useCallback(
    (key: string) => {
      setItems((existing) =>
        existing.filter((item) => {
          if (item.key !== key) return true;
          if (item.kind === "upload") urls.release(item.url);
          return false;
        }),
      );
    },
    [urls],
  );

  const sorted = useMemo(() => ordered(items), [items]);
  const first = firstAttachment(items);
  const mask = painted && first && painted.key === first.key ? painted.blob : null;
  const pickedIds = useMemo(() => new Set(items.flatMap((item) => (item.kind === "picked" ? [item.id] : []))), [items]);

  return {
    items: sorted,
    first,
    mask,
    refused,
    pickedIds,
    max,
    addFiles,
    togglePick,
    remove,
    setMask: (blob) => setPainted(blob && first ? { key: first.key, blob } : null),
    clear: () => {
      for (const item of items) if (item.kind === "upload") urls.release(item.url);
      setItems([]);
      setPainted(null);
      setRefused([]);
    },
  };
}

/** The file with its pixel size (a mask is painted at it); or why it cannot go, as "name: why". */
async function load(file: File, limits: UploadLimits, serial: number): Promise<UploadAttachment | string> {
  const name = file.name || "pasted image";
  try {
    const picture = await readPicture(file);
    const tooLarge: Refusal | null = pixelRefusal(name, picture, limits);
    if (!tooLarge) return { key: `upload-${serial}`, kind: "upload", file, ...picture };
    URL.revokeObjectURL(picture.url);
    return refusalText([tooLarge]).join("");
  } catch (error) {
    return `${name}: ${error instanceof Error ? error.message : "the browser cannot read it as an image"}`;
  }
}
