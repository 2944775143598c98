// The console's only script: a form that takes a while (the nightly solve) says so while it runs,
// and a shift on the board fills the hand-move and cancel forms when chosen (click or Enter).
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
document.addEventListener("click", (event) => {
  const block = event.target.closest("[data-request]");
  if (block) { choose(block); }
});
document.addEventListener("keydown", (event) => {
  const block = event.target.closest && event.target.closest("[data-request]");
  if (block && event.key === "Enter") { choose(block); }
});
