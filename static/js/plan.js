// The plan screen follows a re-plan run on the worker: it asks where the run is every second,
// moves the progress bar and names the step, and reloads the page once the run has finished so that
// the counts, the backlog and the run's outcome are the new plan's.
const POLL_EVERY_MS = 1000;

function followRun(panel) {
  const url = panel.dataset.planRunUrl;
  const bar = panel.querySelector("[data-run-progress]");
  const label = panel.querySelector("[data-run-step]");
  const poll = () => {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((run) => {
        bar.max = run.steps;
        bar.value = run.step;
        label.textContent = run.step_label;
        if (run.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, POLL_EVERY_MS);
        }
      })
      // a failed poll (the server restarting) is tried again a little later
      .catch(() => window.setTimeout(poll, POLL_EVERY_MS * 3));
  };
  window.setTimeout(poll, POLL_EVERY_MS);
}

document.addEventListener("DOMContentLoaded", () => {
  const panel = document.querySelector("[data-plan-run-url]");
  if (panel) followRun(panel);
});
