// A form that came back with problems opens on their summary: focus moves there, so the reader
// hears how many problems there are and the next Tab reaches the first link. A link in the summary
// moves focus to the first control of its question, not only the scroll position.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector(".error-summary[data-focus-on-load]");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) return;
    const control = target.querySelector("input:not([type=hidden]):not(:disabled), select, textarea");
    if (!control) return;
    event.preventDefault();
    target.scrollIntoView({ block: "start" });
    control.focus({ preventScroll: true });
  });
});
