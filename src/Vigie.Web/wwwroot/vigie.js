// Small browser helpers for the Vigie UI: keyboard shortcuts, clipboard, theme and query history.
window.vigie = {
  getTheme: () => localStorage.getItem("vigie.theme"),
  setTheme: (t) => localStorage.setItem("vigie.theme", t),
  prefersDark: () => window.matchMedia("(prefers-color-scheme: dark)").matches,
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

// A lost connection (server restarted, network gone) shows one clear message and heals by itself:
// the circuit retries quickly at first, then every 5 s without end; when the server answers but no
// longer knows this page (it restarted), the page reloads, and its URL brings the search back.
(() => {
  const dialog = document.getElementById("components-reconnect-modal");
  const attempt = document.getElementById("reconnect-attempt");
  let retryTimer = null;
  const show = (state) => {
    dialog.className = state;
    if (!dialog.open) dialog.showModal();
  };
  const reconnect = async () => {
    try {
      if (!(await Blazor.reconnect())) location.reload();
    } catch {
      // still unreachable: the next tick tries again
    }
  };
  dialog.addEventListener("components-reconnect-state-changed", (e) => {
    const d = e.detail;
    clearInterval(retryTimer);
    retryTimer = null;
    switch (d.state) {
      case "show":
      case "retrying":
        attempt.textContent = d.currentAttempt ? ` (attempt ${d.currentAttempt})` : "";
        show("retrying");
        break;
      case "failed":
        show("failed");
        retryTimer = setInterval(reconnect, 5000);
        break;
      case "rejected":
        show("rejected");
        location.reload();
        break;
      default:
        if (dialog.open) dialog.close();
    }
  });
  document.getElementById("reconnect-now").addEventListener("click", reconnect);
  Blazor.start({
    circuit: {
      reconnectionOptions: {
        maxRetries: 1000,
        retryIntervalMilliseconds: (previousAttempts) => Math.min(500 * 2 ** previousAttempts, 5000),
      },
    },
  });
})();
