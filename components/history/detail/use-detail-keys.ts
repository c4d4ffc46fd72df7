"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { closeToHistory } from "@/components/history/detail/close-to-history";

/**
 * The detail page's keys: Left and Right move between the images, Esc goes back to the grid. None
 * of them while a dialog is open (Esc is the dialog's then) or while the person types.
 */
export function useDetailKeys(count: number, onMove: (delta: number) => void): void {
  const router = useRouter();
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (isTyping(event.target) || dialogOpen()) return;
      if ((event.key === "ArrowLeft" || event.key === "ArrowRight") && count > 1) {
        event.preventDefault();
        onMove(event.key === "ArrowLeft" ? -1 : 1);
      } else if (event.key === "Escape") {
        event.preventDefault();
        closeToHistory(router);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [count, onMove, router]);
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT";
}

function dialogOpen(): boolean {
  return document.querySelector('dialog[open], [role="dialog"], [role="alertdialog"], [aria-modal="true"]') !== null;
}
