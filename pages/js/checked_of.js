// What Playwright's is_checked reads of one element: null where it would refuse.
(e) => {
  if (e instanceof HTMLInputElement && (e.type === "checkbox" || e.type === "radio")) return e.checked;
  const role = e.getAttribute("role"), state = e.getAttribute("aria-checked");
  return ["checkbox", "radio", "switch"].includes(role) && (state === "true" || state === "false") ? state === "true" : null;
}
