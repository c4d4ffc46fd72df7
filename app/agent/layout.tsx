import type { ReactNode } from "react";
import { QueryProvider } from "@/components/providers/query-provider";

/** TanStack Query for the agent page only: `/` keeps it out of its JavaScript. */
export default function AgentLayout({ children }: { children: ReactNode }) {
  return <QueryProvider>{children}</QueryProvider>;
}
