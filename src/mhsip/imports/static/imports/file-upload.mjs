// The NHS.UK file upload (nhsuk-frontend 10.6) builds its button from spans with no whitespace
// between the status ("No file chosen") and "Choose file", so its visible text reads
// "No file chosenChoose file", which matches no word of its accessible name (axe-core:
// label-content-name-mismatch; voice-control users say the words they see). Put the space
// back. Runs after init.mjs has enhanced the component: module scripts run in document order.
for (const status of document.querySelectorAll(".nhsuk-file-upload__status")) {
  const next = status.nextSibling;
  if (!(next && next.nodeType === Node.TEXT_NODE)) {
    status.after(document.createTextNode(" "));
  }
}
