// "/" jumps to the search box in the navigation bar, as in GitHub or Gmail; not while typing.
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName)) return;
  const box = document.getElementById("global-search");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
