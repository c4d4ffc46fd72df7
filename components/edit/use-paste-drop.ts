"use client";

import { useEffect, useRef, useState } from "react";

/** Where a drop landed: on the reference list (data-drop="references"), or anywhere else on the page. */
export type DropTarget = "auto" | "references";

/**
 * Images pasted anywhere on the page, or dropped on it, go where a picked file would. A paste
 * holding no files is left alone, so text still pastes into the prompt. Returns whether files are
 * being dragged over the page, for the drop hint.
 */
export function usePasteAndDrop(onFiles: (files: File[], target: DropTarget) => void): boolean {
  const latest = useRef(onFiles);
  useEffect(() => {
    latest.current = onFiles;
  });
  const [dragging, setDragging] = useState(false);

  useEffect(() => {
    let depth = 0; // dragenter and dragleave fire for every element crossed
    const carriesFiles = (event: DragEvent) => event.dataTransfer?.types.includes("Files") ?? false;
    const onPaste = (event: ClipboardEvent) => {
      const files = [...(event.clipboardData?.files ?? [])];
      if (files.length === 0) return;
      event.preventDefault();
      latest.current(files, "auto");
    };
    const onDragEnter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth += 1;
      setDragging(true);
    };
    const onDragOver = (event: DragEvent) => {
      if (!carriesFiles(event) || !event.dataTransfer) return;
      event.preventDefault(); // without it the browser opens the file instead of dropping it here
      event.dataTransfer.dropEffect = "copy";
    };
    const onDragLeave = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const onDrop = (event: DragEvent) => {
      if (!carriesFiles(event) || !event.dataTransfer) return;
      event.preventDefault();
      depth = 0;
      setDragging(false);
      const onReferences = event.target instanceof Element && event.target.closest('[data-drop="references"]') !== null;
      const files = [...event.dataTransfer.files];
      if (files.length > 0) latest.current(files, onReferences ? "references" : "auto");
    };
    window.addEventListener("paste", onPaste);
    window.addEventListener("dragenter", onDragEnter);
    window.addEventListener("dragover", onDragOver);
    window.addEventListener("dragleave", onDragLeave);
    window.addEventListener("drop", onDrop);
    return () => {
      window.removeEventListener("paste", onPaste);
      window.removeEventListener("dragenter", onDragEnter);
      window.removeEventListener("dragover", onDragOver);
      window.removeEventListener("dragleave", onDragLeave);
      window.removeEventListener("drop", onDrop);
    };
  }, []);

  return dragging;
}
