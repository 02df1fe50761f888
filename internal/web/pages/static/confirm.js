// Buttons with data-confirm ask before they submit: erasing cannot be undone.
document.addEventListener("click", function (e) {
  const b = e.target.closest("[data-confirm]");
  if (b && !window.confirm(b.dataset.confirm)) e.preventDefault();
});
