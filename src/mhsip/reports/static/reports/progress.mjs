// Shows a report's progress while it is queued or running: asks the status endpoint every
// second, updates the progress bar and the step (an aria-live region), and once the report is
// ready reloads the page to show its links. Without JavaScript the page refreshes itself
// (a <meta refresh> inside <noscript>).
const panel = document.getElementById("report-status");

function render(data) {
  const bar = document.getElementById("report-progress");
  const state = document.getElementById("report-state");
  const step = document.getElementById("report-step-text");
  bar.value = data.progress;
  bar.textContent = `${data.progress}%`;
  state.textContent = data.label;
  if (step) step.textContent = `${data.step || "Waiting to start"}`;
}

async function poll() {
  const response = await fetch(panel.dataset.statusUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const data = await response.json();
  render(data);
  if (data.status === "succeeded" || data.status === "failed") {
    window.location.reload();
    return;
  }
  window.setTimeout(poll, 1000);
}

if (panel && ["queued", "running"].includes(panel.dataset.status)) {
  window.setTimeout(poll, 1000);
}
