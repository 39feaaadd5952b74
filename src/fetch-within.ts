// HTTP with a deadline that holds. fetch's abort signal is not heard while a
// connection is still being made: to a host that vanished (its IDC lost
// power) a request waits for undici's 10 s connect timeout, whatever the
// signal says. A probe that should take a second then takes ten, and a
// failover waits for it. Here our own timer ends the wait.

export class DeadlineError extends Error {
  override readonly name = 'TimeoutError';
}

/** `read`'s answer from the response, or a DeadlineError once `timeoutMs` has passed, whatever the connection is doing. */
export async function fetchWithin<T>(url: string, init: Omit<RequestInit, 'signal'>, timeoutMs: number, read: (response: Response) => Promise<T>): Promise<T> {
  const abort = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new DeadlineError(`no answer from ${new URL(url).host} within ${timeoutMs} ms`);
      abort.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([fetch(url, { ...init, signal: abort.signal }).then(read), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
