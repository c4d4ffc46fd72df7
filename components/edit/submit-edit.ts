/**
 * Posts an edit and reads the answer: `202 {id}`, or the API's `{error:{code,message,field}}`.
 * Anything else (a proxy's HTML page, a dropped connection) still comes back as an error a
 * person can read, never as a thrown exception. Pure over `fetch`, so each case is tested.
 */
export type EditError = { code: string; message: string; field?: string };
export type EditStart = { ok: true; id: string } | { ok: false; error: EditError };

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export async function submitEdit(body: FormData, fetcher: Fetch = fetch): Promise<EditStart> {
  let response: Response;
  try {
    response = await fetcher("/api/edits", { method: "POST", body, headers: { accept: "application/json" } });
  } catch {
    return { ok: false, error: { code: "network_error", message: "The studio could not reach the server to start the edit. Check the connection and try again." } };
  }
  const answer: unknown = await response.json().catch(() => null);
  if (response.status === 202) {
    const id = field(answer, "id");
    if (typeof id === "string" && id !== "") return { ok: true, id };
  }
  return { ok: false, error: errorOf(answer, response.status) };
}

function errorOf(answer: unknown, status: number): EditError {
  const error = field(answer, "error");
  const code = field(error, "code");
  const message = field(error, "message");
  const name = field(error, "field");
  if (typeof code === "string" && typeof message === "string") return { code, message, ...(typeof name === "string" ? { field: name } : {}) };
  if (status === 413) return { code: "payload_too_large", message: "The server refused the upload as too large (HTTP 413)." };
  return { code: `http_${status}`, message: `The server answered HTTP ${status} without saying why; try again.` };
}

function field(value: unknown, key: string): unknown {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}
