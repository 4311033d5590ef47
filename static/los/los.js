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
  losAutosave();  // first, so that a draft put back is saved like typing
  losDrafts();
  losRequireSaved();
});

// --- Nothing typed is lost ----------------------------------------------------------------------------------------
//
// Drafts. Every long form carries data-los-draft="<a key for this form>". What is typed in its text fields is kept in
// the tab's sessionStorage (never sent anywhere, gone when the tab is closed or the person logs out) until the server
// has taken it: a reload, a session that ran out, a lost connection or a click away lose nothing. When the form
// comes back with other text than what was typed, the typed text is put back with a notice and a button to discard
// it; when the saved text has changed since (someone else saved), the typed text is offered instead of put back.
// A draft is forgotten when the field holds the same text again, when a page after sending it says the save went
// well (a success message), when an htmx answer replaced the form without errors, and at log-out.

const LOS_DRAFT = "los-draft:";

function losStore() {
  try { return window.sessionStorage; } catch (error) { return null; }
}

function losTexts() {
  const node = document.getElementById("los-texts");
  return node ? node.dataset : {};
}

function losNorm(value) {
  return (value || "").replace(/\r\n?/g, "\n").split("\n").map((line) => line.replace(/\s+$/, "")).join("\n").trim();
}

function losDraftFields(form) {
  return [...form.querySelectorAll("textarea, input[type=text]")].filter((f) => f.name && !f.disabled && !f.readOnly);
}

function losDraftKey(form, field) {
  return `${LOS_DRAFT}${losTexts().user || "-"}:${form.dataset.losDraft}:${field.name}`;
}

function losReadDraft(store, key) {
  try { return JSON.parse(store.getItem(key) || "null"); } catch (error) { return null; }
}

function losForgetDrafts(form) {
  const store = losStore();
  if (!store) return;
  losDraftFields(form).forEach((field) => store.removeItem(losDraftKey(form, field)));
}

/* A small button (Designsystemet variant "secondary" or "tertiary") that calls onClick. */
function losSmallButton(variant, label, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "ds-button";
  button.dataset.variant = variant;
  button.dataset.size = "sm";
  button.textContent = label;
  button.addEventListener("click", onClick);
  return button;
}

function losDraftNotice(form, restored, offered) {
  const texts = losTexts();
  const notice = document.createElement("div");
  notice.className = "ds-alert los-draft-notice";
  notice.dataset.color = "warning";
  notice.setAttribute("role", "status");
  const say = document.createElement("p");
  say.className = "ds-paragraph";
  say.textContent = offered.length ? texts.draftConflict : texts.draftRestored;
  notice.append(say);
  offered.forEach(({ draft }) => {
    const details = document.createElement("details");
    const summary = document.createElement("summary");
    summary.textContent = texts.draftShow;
    const text = document.createElement("p");
    text.className = "ds-paragraph los-draft-text";
    text.textContent = draft.value;
    details.append(summary, text);
    notice.append(details);
  });
  const buttons = document.createElement("p");
  buttons.className = "ds-paragraph los-actions";
  if (offered.length) {
    buttons.append(losSmallButton("secondary", texts.draftUse, () => {
      offered.forEach(({ field, draft }) => {
        field.value = draft.value;
        field.dispatchEvent(new Event("input", { bubbles: true }));
      });
      notice.remove();
      offered[0].field.focus();
    }));
  }
  buttons.append(losSmallButton("tertiary", texts.draftDiscard, () => {
    const store = losStore();
    restored.concat(offered).forEach(({ field, saved, key }) => {
      field.value = saved;
      if (store) store.removeItem(key);
    });
    notice.remove();
    const first = restored.concat(offered)[0];
    if (first) first.field.focus();
  }));
  notice.append(buttons);
  form.parentNode.insertBefore(notice, form);
}

function losInitDraftForm(form, used) {
  const store = losStore();
  if (!store || form.dataset.losDraftReady) return;
  form.dataset.losDraftReady = "1";
  const restored = [];
  const offered = [];
  losDraftFields(form).forEach((field) => {
    const key = losDraftKey(form, field);
    used.add(key);
    field.dataset.losBase = field.value;
    const draft = losReadDraft(store, key);
    if (!draft) return;
    if (losNorm(draft.value) === losNorm(field.value)) { store.removeItem(key); return; }
    draft.sent = false;
    store.setItem(key, JSON.stringify(draft));
    const saved = field.value;
    if (losNorm(draft.base) === losNorm(saved)) {
      field.value = draft.value;
      restored.push({ field, saved, draft, key });
    } else {
      offered.push({ field, saved, draft, key });
    }
  });
  if (restored.length || offered.length) losDraftNotice(form, restored, offered);
  restored.forEach(({ field }) => field.dispatchEvent(new Event("input", { bubbles: true })));
  form.addEventListener("input", (event) => {
    const field = event.target;
    if (!losDraftFields(form).includes(field)) return;
    const key = losDraftKey(form, field);
    const before = losReadDraft(store, key);
    const base = before ? before.base : (field.dataset.losBase || "");
    if (losNorm(field.value) === losNorm(base)) { store.removeItem(key); return; }
    store.setItem(key, JSON.stringify({ value: field.value, base, at: Date.now(), sent: false }));
  });
  const markSent = () => {
    losDraftFields(form).forEach((field) => {
      const key = losDraftKey(form, field);
      const draft = losReadDraft(store, key);
      if (draft) { draft.sent = true; store.setItem(key, JSON.stringify(draft)); }
    });
  };
  form.addEventListener("submit", markSent);
  form.addEventListener("htmx:beforeRequest", markSent);
}

function losSavedAs(form, sent) {
  // What was sent is what the server holds now: the base a later draft is compared with, and no longer a draft.
  const store = losStore();
  sent.forEach(([field, value]) => {
    field.dataset.losBase = value;
    if (!store) return;
    const key = losDraftKey(form, field);
    const draft = losReadDraft(store, key);
    if (!draft) return;
    if (losNorm(draft.value) === losNorm(value) || losNorm(field.value) === losNorm(value)) {
      store.removeItem(key);
    } else {
      draft.base = value;
      store.setItem(key, JSON.stringify(draft));
    }
  });
}

function losDrafts() {
  const store = losStore();
  if (!store) return;
  // a page that says a save went well: the drafts that were sent have been taken
  if (document.querySelector(".los-messages .ds-alert[data-color=success]")) {
    for (let i = store.length - 1; i >= 0; i -= 1) {
      const key = store.key(i);
      if (key && key.startsWith(LOS_DRAFT) && (losReadDraft(store, key) || {}).sent) store.removeItem(key);
    }
  }
  const used = new Set();
  document.querySelectorAll("form[data-los-draft]").forEach((form) => losInitDraftForm(form, used));
  // an htmx answer that replaced a form without an error: what was sent is saved
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const part = event.detail.target;
    if (!part || !event.detail.successful) return;
    const errors = part.querySelector(".ds-error-summary, .ds-validation-message");
    part.querySelectorAll("form[data-los-draft]").forEach((form) => {
      if (!errors) losForgetDrafts(form);
      losInitDraftForm(form, used);
    });
  });
  document.body.addEventListener("htmx:sendError", (event) => {
    const form = event.detail.elt && event.detail.elt.closest("form[data-los-draft]");
    if (form) form.dataset.losDraftReady = "";
  });
  // logging out forgets every draft in this tab
  document.querySelectorAll("form[action*='logg-ut'], form[action*='logout']").forEach((form) => {
    form.addEventListener("submit", () => {
      for (let i = store.length - 1; i >= 0; i -= 1) {
        const key = store.key(i);
        if (key && key.startsWith(LOS_DRAFT)) store.removeItem(key);
      }
    });
  });
}

// Autosave. A form with data-los-autosave="<url>" (the minutes' notes) sends its fields to that address a moment
// after the typing stops. The answer is the save status, as the server rendered it: saved (with the new version for
// the next save), a conflict (someone else saved first: nothing is overwritten; saving waits until the person has
// combined the two and presses the save button), or not saved. What the page says is always true: "not saved yet"
// while there is typing the server has not taken.

function losAutosave() {
  document.querySelectorAll("form[data-los-autosave]").forEach((form) => {
    const url = form.dataset.losAutosave;
    const box = form.querySelector("[data-state]");
    const status = box && box.querySelector("[role=status]");
    const version = form.querySelector("input[name=version]");
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!box || !status || !version) return;
    let timer = null;
    let inflight = false;
    let again = false;
    let leaving = false;
    const paused = () => box.dataset.state === "conflict";
    const tag = (color, text) => {
      const span = document.createElement("span");
      span.className = "ds-tag";
      span.dataset.color = color;
      span.textContent = text;
      status.replaceChildren(span);
    };
    const unsaved = () => {
      if (box.dataset.state !== "unsaved") {
        box.dataset.state = "unsaved";
        tag("warning", form.dataset.losTextUnsaved);
      }
    };
    const send = async () => {
      clearTimeout(timer);
      if (paused()) return;
      if (inflight) { again = true; return; }
      inflight = true;
      again = false;
      form.dataset.losDirty = "0";
      const body = new FormData(form);
      const sent = losDraftFields(form).map((field) => [field, field.value]);
      try {
        const response = await fetch(url, {
          method: "POST", body, credentials: "same-origin",
          headers: { "X-CSRFToken": token ? token.value : "", "X-Requested-With": "XMLHttpRequest" },
        });
        const doc = new DOMParser().parseFromString(await response.text(), "text/html");
        const fresh = doc.getElementById(box.id);
        if (!fresh) throw new Error("no save status in the answer");
        version.value = fresh.dataset.version;
        box.dataset.state = fresh.dataset.state;
        box.querySelectorAll("details").forEach((d) => d.remove());
        fresh.querySelectorAll("details").forEach((d) => box.append(d));
        if (fresh.dataset.state === "saved" && form.dataset.losDirty === "1") {
          unsaved();
        } else {
          status.replaceChildren(...fresh.querySelector("[role=status]").childNodes);
        }
        if (fresh.dataset.state === "saved") losSavedAs(form, sent);
        if (fresh.dataset.state !== "saved") form.dataset.losDirty = "1";
      } catch (error) {
        form.dataset.losDirty = "1";
        box.dataset.state = "offline";
        tag("danger", form.dataset.losTextOffline);
        timer = setTimeout(send, 10000);
      } finally {
        inflight = false;
        if (again && !paused()) send();
        else if (form.dataset.losDirty === "1" && !paused() && box.dataset.state === "unsaved") {
          timer = setTimeout(send, 1500);
        }
      }
    };
    form.addEventListener("input", (event) => {
      if (!event.target.name || event.target.type === "hidden") return;
      form.dataset.losDirty = "1";
      if (paused()) return;
      unsaved();
      clearTimeout(timer);
      timer = setTimeout(send, 1500);
    });
    form.addEventListener("submit", () => { leaving = true; clearTimeout(timer); });
    form.losSaveNow = send;
    window.addEventListener("beforeunload", (event) => {
      if (!leaving && (form.dataset.losDirty === "1" || inflight)) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  });
}

// A button with data-los-require-saved="<message>" (approving the minutes) refuses to send while something typed
// on the page is not saved: the autosaved notes, or text in a form marked data-los-unsaved-guard (an agreement or an
// action being written). The server refuses unsaved notes too; this says so before the click goes anywhere.

function losRequireSaved() {
  document.querySelectorAll("[data-los-require-saved]").forEach((button) => {
    button.addEventListener("click", (event) => {
      const pending = [];
      document.querySelectorAll("form[data-los-autosave]").forEach((form) => {
        if (form.dataset.losDirty === "1") {
          pending.push(form);
          if (form.losSaveNow) form.losSaveNow();
        }
      });
      document.querySelectorAll("form[data-los-unsaved-guard]").forEach((form) => {
        if (losDraftFields(form).some((field) => field.value.trim())) pending.push(form);
      });
      const old = button.parentNode.querySelector(".los-require-saved");
      if (old) old.remove();
      if (!pending.length) return;
      event.preventDefault();
      const say = document.createElement("p");
      say.className = "ds-validation-message los-require-saved";
      say.dataset.color = "danger";
      say.setAttribute("role", "alert");
      say.textContent = button.dataset.losRequireSaved;
      button.parentNode.append(say);
    });
  });
}
