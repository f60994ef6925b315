// The "print / save as PDF" button of a report in the workspace: the browser's own print dialog.
// What is folded away on screen (the figure, the explanations) is printed open, and folded
// again afterwards. (A file of its own: the content security policy allows no inline script.)
const opened = [];
window.addEventListener("beforeprint", () => {
  document.querySelectorAll("main details:not([open])").forEach((details) => {
    details.open = true;
    opened.push(details);
  });
});
window.addEventListener("afterprint", () => {
  opened.splice(0).forEach((details) => {
    details.open = false;
  });
});
document.querySelectorAll("[data-print]").forEach((button) => {
  button.addEventListener("click", () => window.print());
});
