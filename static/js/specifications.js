// Pages showing documents being scanned ask where their scans are every second (the state and the
// pages read so far, in words) and reload once every one has finished, so the citations and their
// counts appear without a click.
const POLL_EVERY_MS = 1000;

function followScans(holder) {
  const ids = holder.dataset.scanIds.split(",").filter(Boolean);
  if (!ids.length) return;
  const url = `${holder.dataset.scanFollow}?${ids.map((id) => `id=${id}`).join("&")}`;
  const poll = () => {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
      .then((answer) => {
        for (const doc of answer.documents) {
          const holder = `[data-scan-document="${doc.id}"]`;
          document.querySelectorAll(`${holder} [data-scan-label]`).forEach((label) => {
            label.textContent = doc.state_label;
          });
          document.querySelectorAll(`${holder} [data-scan-pages]`).forEach((pages) => {
            pages.textContent = doc.pages_label;
          });
        }
        if (answer.documents.every((doc) => doc.finished)) {
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
  document.querySelectorAll("[data-scan-follow]").forEach(followScans);
});
