export type EgressMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One outbound request, rendered by the caller; nothing in it is a template any more. */
export interface EgressRequest {
  method: EgressMethod;
  /** http or https. Its host must be allowed by EGRESS_ALLOWED_HOSTS. */
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON or as an HTML form, with the matching Content-Type unless one is given. */
  body?: { json: unknown } | { form: Record<string, string> };
  /** What a 2xx body must be: JSON (the default; anything else is `bad_body`) or any text. */
  expect?: 'json' | 'text';
  /** The author's timeout for this request. */
  timeoutMs: number;
  /** When the turn must be over (epoch ms): the request gets what is left less a margin. */
  deadline: number;
  /**
   * Secret values substituted into the request: masked in every reason and log line. The
   * caller knows them, the adapter never looks them up.
   */
  secrets?: readonly string[];
}
