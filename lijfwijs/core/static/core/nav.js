/* Lijfwijs: the header's menus (details.menu) close with Escape, with a tap outside them, and
   when another one opens. Without JavaScript they open and close by their summary alone. */
(() => {
  "use strict";
  const open = () => document.querySelectorAll("details.menu[open]");

  document.addEventListener("click", (event) => {
    for (const menu of open()) if (!menu.contains(event.target)) menu.open = false;
  });

  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    for (const menu of open()) {
      const inside = menu.contains(document.activeElement);
      menu.open = false;
      if (inside) menu.querySelector("summary").focus();
    }
  });

  // "toggle" does not bubble: listen in the capture phase
  document.addEventListener(
    "toggle",
    (event) => {
      const menu = event.target;
      if (!(menu instanceof HTMLDetailsElement) || !menu.open || !menu.matches(".menu")) return;
      for (const other of open()) if (other !== menu) other.open = false;
    },
    true,
  );
})();
