// Small browser helpers for the Vigie UI: keyboard shortcuts, clipboard, theme and query history.
window.vigie = {
  getTheme: () => localStorage.getItem("vigie.theme"),
  setTheme: (t) => localStorage.setItem("vigie.theme", t),
  copy: (text) => navigator.clipboard ? navigator.clipboard.writeText(text) : Promise.resolve(),
  history: () => JSON.parse(localStorage.getItem("vigie.history") || "[]"),
  remember: (q) => {
    if (!q) return;
    const h = window.vigie.history().filter((x) => x !== q);
    h.unshift(q);
    localStorage.setItem("vigie.history", JSON.stringify(h.slice(0, 20)));
  },
  focusQuery: () => { const q = document.getElementById("query"); if (q) { q.focus(); q.select(); } },
};
// "/" focuses the query bar from anywhere but a text field.
document.addEventListener("keydown", (e) => {
  const t = e.target;
  const typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable);
  if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
    e.preventDefault();
    window.vigie.focusQuery();
  }
});
