// Controls marked data-submit-on-change send their form when changed (the language menu).
document.addEventListener("change", (event) => {
  if (event.target.matches("[data-submit-on-change]") && event.target.form) {
    event.target.form.submit();
  }
});
