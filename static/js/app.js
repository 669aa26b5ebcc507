// Controls marked data-submit-on-change send their form when changed (the language menu).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]") && event.target.form) {
    event.target.form.submit();
  }
});

// On a narrow screen the header's menu button shows and hides the navigation and session controls;
// Escape closes the menu and returns to the button.
function setMenuOpen(toggle, open) {
  toggle.closest(".topbar").classList.toggle("menu-open", open);
  toggle.setAttribute("aria-expanded", String(open));
}

document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".menu-toggle");
  if (toggle) {
    setMenuOpen(toggle, toggle.getAttribute("aria-expanded") !== "true");
  }
});

document.addEventListener("keydown", (event) => {
  const toggle = document.querySelector(".menu-toggle[aria-expanded=true]");
  if (event.key === "Escape" && toggle) {
    setMenuOpen(toggle, false);
    toggle.focus();
  }
});
