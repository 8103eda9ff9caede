/**
 * JSON requests to a running API process (the process stack's), with a bearer token.
 */

/** An answer of {@link apiRequest}. */
export interface ApiAnswer {
  status: number;
  body: unknown;
}

/** Sends a JSON request to the API with a bearer token and reads the whole answer (JSON parsed, else text). */
export async function apiRequest(
  baseUrl: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiAnswer> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed };
}
