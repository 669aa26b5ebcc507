// Show a conditional question only while the earlier answer it depends on says so.
// The server decides what is required; this only keeps the form readable.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector("form.questionnaire");
  if (!form) return;
  const dependents = [...form.querySelectorAll("[data-when-key]")];
  const valuesOf = (key) =>
    [...form.querySelectorAll(`[name="${key}"]`)]
      .filter((input) => (input.type === "radio" || input.type === "checkbox" ? input.checked : true))
      .map((input) => input.value);
  const update = () => {
    const seen = new Set();
    for (const input of dependents) {
      const row = input.closest(".question");
      if (!row || seen.has(row)) continue;
      seen.add(row);
      const wanted = input.dataset.whenIn.split(" ");
      const shown = valuesOf(input.dataset.whenKey).some((value) => wanted.includes(value));
      row.hidden = !shown;
    }
  };
  form.addEventListener("change", update);
  update();
});
