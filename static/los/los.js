// Small progressive enhancements for Los. No inline scripts anywhere (the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // The language selector submits by itself when changed, for those with JavaScript.
  const select = document.getElementById("los-language");
  if (select) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Long operations (a PDF, an export, screening a caseload): say at once that work is under way, in a
  // polite live region, and keep a form from being sent twice. A download does not leave the page, so
  // the notice goes away by itself after a while.
  const busy = document.getElementById("los-busy");
  let busyTimer = null;
  const showBusy = (text) => {
    if (!busy || !text) return;
    busy.textContent = text;
    clearTimeout(busyTimer);
    busyTimer = setTimeout(() => { busy.textContent = ""; }, 20000);
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-los-busy]");
    if (link) showBusy(link.dataset.losBusy);
  });
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!form.dataset || !form.dataset.losBusy) return;
    if (form.dataset.losSent === "1") { event.preventDefault(); return; }
    form.dataset.losSent = "1";
    form.setAttribute("aria-busy", "true");
    showBusy(form.dataset.losBusy);
  });
  window.addEventListener("pageshow", () => {
    document.querySelectorAll("form[data-los-sent]").forEach((form) => {
      delete form.dataset.losSent;
      form.removeAttribute("aria-busy");
    });
  });
  // A form sent back with messages (answer 400 or 409): the page's title starts with "Error:" (the first thing a
  // screen reader says of the page) and the focus goes to the error summary at the top, so that keyboard and
  // screen-reader users start at what to fix (its links lead to the fields). The navigator focuses its own
  // messages (data-nav-focus).
  const summary = document.querySelector("main .ds-error-summary");
  const errorTitle = document.documentElement.dataset.losErrorTitle;
  if (summary && errorTitle && !document.title.startsWith(errorTitle)) {
    document.title = `${errorTitle} ${document.title}`;
  }
  if (summary && !document.querySelector("[data-nav-focus]")) {
    if (!summary.hasAttribute("tabindex")) summary.setAttribute("tabindex", "-1");
    summary.focus({ preventScroll: false });
  }
  // After htmx replaces a part of the page (a comment added, a status saved, an action done), the focus
  // would drop to the page itself: move it to the message in the new part (an error first), or to the part,
  // so that keyboard and screen-reader users keep their place and hear what happened.
  let swappedId = null;
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    swappedId = event.detail.target ? event.detail.target.id : null;
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    const part = swappedId ? document.getElementById(swappedId) : null;
    swappedId = null;
    if (!part || part.contains(document.activeElement)) return;
    const spot = part.querySelector("[role=alert], .ds-validation-message, .ds-error-summary, [role=status]") || part;
    if (!spot.hasAttribute("tabindex")) spot.setAttribute("tabindex", "-1");
    spot.focus({ preventScroll: false });
  });
  // Send the CSRF token with htmx requests.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
});
