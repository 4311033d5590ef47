// Small progressive enhancements for Los. No inline scripts anywhere (the CSP forbids them).
document.addEventListener("DOMContentLoaded", () => {
  // The language selector submits by itself when changed, for those with JavaScript.
  const select = document.getElementById("los-language");
  if (select) {
    select.addEventListener("change", () => select.form.submit());
  }
  // Send the CSRF token with htmx requests.
  document.body.addEventListener("htmx:configRequest", (event) => {
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
});
