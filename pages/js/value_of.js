// What Playwright's input_value reads of one element: null where it would refuse.
(e) => e instanceof HTMLInputElement || e instanceof HTMLTextAreaElement || e instanceof HTMLSelectElement ? e.value : null
