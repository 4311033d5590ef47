// The navigator's pages. Everything works without JavaScript; this only helps.
// - Moves the keyboard and screen-reader focus to the error summary, the new step or the new list after a form is
//   sent (a full page load, or an htmx swap of the navigator's part of the page).
// - Lets htmx show a step that came back with errors (400) or a conflict (409): the server answers honestly with
//   that status, and the form with the messages is what the person needs to see.
// - Opens the closed sections and cards that hold the element a link points to (#entry-…), so that a link from
//   the service map or a card's "answer the questions" never lands on something hidden.
(() => {
  const focusIn = (root) => {
    const target = root.querySelector("[data-nav-focus]");
    if (target) {
      target.focus();
      return true;
    }
    return false;
  };
  const reveal = () => {
    if (!location.hash || location.hash.length < 2) return;
    let target = null;
    try {
      target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    } catch (error) {
      return;
    }
    if (!target) return;
    let opened = false;
    for (let node = target; node; node = node.parentElement) {
      if (node.tagName === "DETAILS" && !node.open) {
        node.open = true;
        opened = true;
      }
    }
    if (opened) target.scrollIntoView();
  };
  document.addEventListener("DOMContentLoaded", () => {
    reveal();
    focusIn(document);
    window.addEventListener("hashchange", reveal);
    document.body.addEventListener("htmx:beforeSwap", (event) => {
      const status = event.detail.xhr.status;
      if ((status === 400 || status === 409) && event.detail.target && event.detail.target.matches("[data-nav-app]")) {
        event.detail.shouldSwap = true;
        event.detail.isError = false;
      }
    });
    document.body.addEventListener("htmx:afterSettle", (event) => {
      const app = document.querySelector("[data-nav-app]");
      if (!app || !event.detail.target || !event.detail.target.matches("[data-nav-app]")) return;
      if (!focusIn(app)) {
        const heading = app.querySelector("h2");
        if (heading) {
          heading.setAttribute("tabindex", "-1");
          heading.focus();
        }
      }
    });
  });
})();
