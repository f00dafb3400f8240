// uses: deep
// One look at a page between a login and the first screen, in this document: its words, the names of its
// visible buttons and links (those in an open dialog apart), how many fields a person could type in, whether
// it asks for a password, and whether a CAPTCHA a person must solve is in it (a visible challenge's frame).
() => {
  const clip = (s) => (s || "").replace(/\s+/g, " ").trim();
  const name = (e) => clip(e.getAttribute("aria-label") || deep.text(e) || e.value || e.title || "");
  const controls = deep.all("button, a[href], [role=button], [role=link], input[type=submit], input[type=button]")
    .filter(deep.shown);
  const dialogs = deep.all("dialog[open], [role=dialog], [role=alertdialog], [aria-modal=true]").filter(deep.shown);
  const inDialog = (e) => dialogs.some((d) => deep.contains(d, e));
  const typed = deep.all("input:not([type]), input[type=text], input[type=tel], input[type=number], input[type=email], " +
                         "input[type=search], input[type=password], textarea, select").filter(deep.shown);
  const captcha = /captcha|recaptcha|hcaptcha|turnstile|challenges\.cloudflare|arkoselabs|funcaptcha/i;
  // A challenge a person solves: shown and sizable (reCAPTCHA v3's badge and invisible widgets ask nothing).
  const challenge = (f) => (captcha.test(f.src || "") || captcha.test(f.title || "")) && !/size=invisible/.test(f.src || "")
    && deep.shown(f) && f.getBoundingClientRect().height >= 70 && !/recaptcha\/api2\/anchor.*badge/.test(f.src || "");
  return {
    words: deep.text(document.body).slice(0, 6000),
    buttons: [...new Set(controls.map(name).filter(Boolean))].slice(0, 80),
    dialog_buttons: [...new Set(controls.filter(inDialog).map(name).filter(Boolean))].slice(0, 40),
    fields: typed.length,
    password_field: typed.some((e) => e.type === "password"),
    captcha_frame: [...document.querySelectorAll("iframe")].some(challenge),
  };
}
