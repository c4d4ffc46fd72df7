import type { ReactNode } from "react";
import { QueryProvider } from "@/components/providers/query-provider";

/** TanStack Query for the history list and its detail pages (one cache, so a change in one shows in the other). */
export default function HistoryLayout({ children }: { children: ReactNode }) {
  return <QueryProvider>{children}</QueryProvider>;
}
