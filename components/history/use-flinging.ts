"use client";

import { useEffect, useState } from "react";

/**
 * Whether the window is being flung faster than a person can look at thumbnails. Tiles that
 * appear during a fling wait to ask for their picture until it slows: otherwise every row that
 * flies past sends its thumbnail requests, and on a small self-hosted machine the server answering
 * them takes the CPU the browser needs to keep scrolling smooth (bench:history measures both).
 */
const FAST_PX_PER_S = 1500;
const SETTLE_MS = 120;

export function useFlinging(): boolean {
  const [flinging, setFlinging] = useState(false);
  useEffect(() => {
    let lastY = window.scrollY;
    let lastT = performance.now();
    let fast = false;
    let settle: ReturnType<typeof setTimeout> | undefined;
    const calm = () => {
      fast = false;
      setFlinging(false);
    };
    const onScroll = () => {
      const now = performance.now();
      const speed = (Math.abs(window.scrollY - lastY) / Math.max(1, now - lastT)) * 1000;
      lastY = window.scrollY;
      lastT = now;
      if (speed > FAST_PX_PER_S) {
        if (!fast) {
          fast = true;
          setFlinging(true);
        }
        clearTimeout(settle);
        settle = setTimeout(calm, SETTLE_MS);
      }
    };
    window.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      window.removeEventListener("scroll", onScroll);
      clearTimeout(settle);
    };
  }, []);
  return flinging;
}
