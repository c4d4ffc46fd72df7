"use client";

import { useEffect } from "react";
import type { MaskSession } from "@/components/mask-editor/mask-session";

/**
 * The editor's hotkeys on the whole page (the editor is the page's one canvas), except while a
 * person types: in a text field B is a letter and Ctrl+Z the field's own undo.
 */
export function useHotkeys(session: MaskSession) {
  useEffect(() => {
    const down = (event: KeyboardEvent) => {
      if (event.defaultPrevented || isTextEntry(event.target)) return;
      if (event.key === " " && !spaceIsFree(event.target)) return;
      const handled = session.keyDown({ key: event.key, ctrl: event.ctrlKey, meta: event.metaKey, shift: event.shiftKey, alt: event.altKey });
      if (handled) event.preventDefault(); // Space would scroll the page, Ctrl+Z reach the browser
    };
    const up = (event: KeyboardEvent) => session.keyUp({ key: event.key });
    // A Space released while another window had focus never reaches us.
    const blur = () => session.keyUp({ key: " " });
    window.addEventListener("keydown", down);
    window.addEventListener("keyup", up);
    window.addEventListener("blur", blur);
    return () => {
      window.removeEventListener("keydown", down);
      window.removeEventListener("keyup", up);
      window.removeEventListener("blur", blur);
    };
  }, [session]);
}

const NOT_TYPED = new Set(["range", "checkbox", "radio", "button", "submit", "reset", "color", "file", "image"]);

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !NOT_TYPED.has(target.type);
}

/** Space presses a focused button or ticks a checkbox; only elsewhere does holding it mean "pan". */
function spaceIsFree(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return true;
  if (target instanceof HTMLButtonElement || target instanceof HTMLAnchorElement || target.getAttribute("role") === "button") return false;
  return !(target instanceof HTMLInputElement) || target.type === "range";
}
