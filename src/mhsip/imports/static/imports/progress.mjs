// Keeps an import's progress current while it is queued or running: fetches the page again every
// two seconds and swaps in its progress panel (an aria-live region), then reloads the whole page
// once the import has finished, to show its results. Without JavaScript the page has a link.
const panel = document.getElementById("import-progress");

async function poll() {
  const response = await fetch(window.location.href, { headers: { Accept: "text/html" } });
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("import-progress");
  if (!fresh) return;
  const status = fresh.dataset.importStatus;
  if (status === "succeeded" || status === "failed") {
    window.location.reload();
    return;
  }
  panel.innerHTML = fresh.innerHTML;
  window.setTimeout(poll, 2000);
}

if (panel && ["queued", "running"].includes(panel.dataset.importStatus)) {
  window.setTimeout(poll, 2000);
}
