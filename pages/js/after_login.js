// uses: deep
// One look at a page between a login and the first screen, in this document: its words, the names of
// its visible buttons and links (those in an open dialog apart), and whether a CAPTCHA service's frame is in it.
() => {
  const clip = (s) => (s || "").replace(/\s+/g, " ").trim();
  const name = (e) => clip(e.getAttribute("aria-label") || deep.text(e) || e.value || e.title || "");
  const controls = deep.all("button, a[href], [role=button], [role=link], input[type=submit], input[type=button]")
    .filter(deep.shown);
  const dialogs = deep.all("dialog[open], [role=dialog], [role=alertdialog], [aria-modal=true]").filter(deep.shown);
  const inDialog = (e) => dialogs.some((d) => deep.contains(d, e));
  const captcha = /captcha|recaptcha|hcaptcha|turnstile|challenges\.cloudflare|arkoselabs|funcaptcha/i;
  return {
    words: deep.text(document.body).slice(0, 6000),
    buttons: [...new Set(controls.map(name).filter(Boolean))].slice(0, 80),
    dialog_buttons: [...new Set(controls.filter(inDialog).map(name).filter(Boolean))].slice(0, 40),
    captcha_frame: [...document.querySelectorAll("iframe")].some((f) => captcha.test(f.src || "") || captcha.test(f.title || "")),
  };
}
