"use client";

import { useEffect, useState } from "react";

type ObjectUrls = { create(file: Blob): string; adopt(url: string): void; release(url: string): void };

/**
 * Object URLs for the files shown on the page, each revoked when its picture leaves, and all of
 * them when the page does. The revoke on unmount waits a tick: React's development double mount
 * runs cleanup and setup back to back, and the pictures must survive it.
 */
export function useObjectUrls(): ObjectUrls {
  const [state] = useState(() => ({ live: new Set<string>(), unmounting: undefined as ReturnType<typeof setTimeout> | undefined }));
  useEffect(() => {
    clearTimeout(state.unmounting);
    return () => {
      state.unmounting = setTimeout(() => {
        for (const url of state.live) URL.revokeObjectURL(url);
        state.live.clear();
      }, 0);
    };
  }, [state]);
  const [urls] = useState<ObjectUrls>(() => ({
    create(file) {
      const url = URL.createObjectURL(file);
      state.live.add(url);
      return url;
    },
    adopt(url) {
      state.live.add(url);
    },
    release(url) {
      if (state.live.delete(url)) URL.revokeObjectURL(url);
    },
  }));
  return urls;
}
