// Moves the keyboard and screen-reader focus to the error summary or the new list after a form is sent.
document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector("[data-nav-focus]");
  if (target) {
    target.focus();
  }
});
