/** An action's failure as the page shows it: the server's message and code, or why it was not reached. */
export type Problem = { message: string; code?: string };

export const unreachable = (what: string): Problem => ({ message: `The studio could not reach the server to ${what}. Check the connection and try again.`, code: "network_error" });
