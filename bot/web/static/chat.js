// Minimal chat page: posts to /api/chat, which forwards to Rasa's REST channel.
(function () {
  const log = document.getElementById("log");
  const form = document.getElementById("chat");
  const input = document.getElementById("message");
  const sender = localStorage.getItem("nhs-careers-sender") || window.CHAT_SENDER;
  localStorage.setItem("nhs-careers-sender", sender);

  function add(text, who) {
    const p = document.createElement("p");
    p.className = "msg " + who;
    p.textContent = text;  // never innerHTML: bot text is shown as text
    log.appendChild(p);
    p.scrollIntoView({ block: "end" });
    return p;
  }

  async function send(message, shown) {
    add(shown || message, "user");
    try {
      const resp = await fetch("/api/chat", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ sender: sender, message: message }),
      });
      const data = await resp.json();
      if (!resp.ok) { add(data.error || "Something went wrong. Please try again.", "error"); return; }
      for (const m of data) {
        if (m.text) add(m.text, "bot");
        if (m.buttons && m.buttons.length) {
          const row = document.createElement("div");
          row.className = "buttons";
          for (const b of m.buttons) {
            const btn = document.createElement("button");
            btn.type = "button";
            btn.textContent = b.title;
            btn.addEventListener("click", () => { send(b.payload, b.title); input.focus(); });
            row.appendChild(btn);
          }
          log.appendChild(row);
        }
      }
    } catch (e) {
      add("The adviser can't be reached right now. Please try again.", "error");
    }
  }

  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    send(text);
  });
})();
