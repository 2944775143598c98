// The console's only script: a form that takes a while (the nightly solve) says so while it runs,
// a shift on the board (a button) fills the hand-move and cancel forms when chosen, and a
// running nightly's page asks for its progress every second, then reloads to show the record.
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  const button = form.querySelector("button[type=submit]");
  if (form.dataset.busy && button) { button.textContent = form.dataset.busy; form.classList.add("busy"); }
});
function choose(block) {
  for (const id of ["assign-request", "cancel-request", "confirm-request"]) {
    const input = document.getElementById(id);
    if (input) { input.value = block.dataset.request; }
  }
}
// A shift is a real <button>: Enter and Space click it, so one click handler serves both.
document.addEventListener("click", (event) => {
  const block = event.target.closest("button[data-request]");
  if (block) { choose(block); }
});
function poll(section) {
  const bar = document.getElementById("nightly-bar");
  const tick = () => fetch(section.dataset.poll, {credentials: "same-origin"})
    .then((answer) => answer.json())
    .then((state) => {
      bar.value = state.percent;
      document.getElementById("nightly-percent").textContent = state.percent + "%";
      document.getElementById("nightly-phase").textContent = state.phase;
      document.getElementById("nightly-phases").textContent = "(" + state.phases.join(" → ") + ")";
      if (state.done) { window.location.reload(); } else { setTimeout(tick, 1000); }
    })
    .catch(() => setTimeout(tick, 1000));
  setTimeout(tick, 1000);
}
document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("[data-poll]");
  if (section && section.dataset.poll) { poll(section); }
});
