/** TanStack Query keys of the agent page: the list, and each conversation. */
export const CONVERSATIONS_KEY = ["agent", "conversations"] as const;
export const conversationKey = (id: string) => ["agent", "conversation", id] as const;
