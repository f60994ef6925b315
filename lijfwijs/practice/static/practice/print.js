// The "print / save as PDF" button of a report in the workspace: the browser's own print dialog.
// (A file of its own: the content security policy allows no inline script.)
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
