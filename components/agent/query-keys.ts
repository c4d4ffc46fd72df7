/** TanStack Query keys of the agent page: the list, each conversation, and the history picker's search. */
export const CONVERSATIONS_KEY = ["agent", "conversations"] as const;
export const conversationKey = (id: string) => ["agent", "conversation", id] as const;
export const historyPicksKey = (q: string) => ["agent", "history-picks", q] as const;
