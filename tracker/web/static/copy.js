// Feed addresses on /feeds: select the whole address on click or focus, ready to copy.
// A file, not inline onclick attributes: the Content-Security-Policy allows scripts from
// this site only (script-src 'self').
document.querySelectorAll("input.copy").forEach(function (input) {
  function selectAll() {
    input.select();
  }
  input.addEventListener("focus", selectAll);
  input.addEventListener("click", selectAll);
});
