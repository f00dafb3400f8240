// The page at `href` as the server sends it now, as a document: fetched with the session's cookies, parsed, never
// shown, its scripts never run; given up after `ms` (an error). Null where the answer is not that page's HTML (an
// error; a redirect, to a login form say). pages/scripts.py's `fetched` runs a script with it as its `document`.
async (href, ms) => {
  const r = await fetch(href, {credentials: "same-origin", cache: "no-store", signal: AbortSignal.timeout(ms),
                               headers: {Accept: "text/html,application/xhtml+xml"}});
  if (!r.ok || r.redirected || !/html/i.test(r.headers.get("content-type") || "")) return null;
  return new DOMParser().parseFromString(await r.text(), "text/html");
}
