// A one-time invite link (/invite#wi_...): choose a name and password, then practise. The code
// rides in the fragment, so it never reaches server logs or another site's Referer.
const code = decodeURIComponent(location.hash.slice(1));
const form = document.getElementById("invite-form");
const error = document.getElementById("invite-error");

function bad(message) {
  const box = document.getElementById("invite-bad");
  box.textContent = message;
  box.hidden = false;
  form.hidden = true;
}

async function send(path, body) {
  const response = await fetch(path, { method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, answer };
}

function reason(answer) {
  if (typeof answer.detail === "string") return answer.detail;
  if (Array.isArray(answer.detail)) return answer.detail.map((d) => d.msg).join("; ");
  return "That did not work.";
}

async function main() {
  if (!code) {
    bad("This link has no invite code. Ask your manager for a new link.");
    return;
  }
  const checked = await send("/api/invites/check", { code });
  if (!checked.ok) {
    bad(`${reason(checked.answer)}. Ask your manager for a new link.`);
    return;
  }
  const role = checked.answer.role;
  document.getElementById("form-title").textContent = `Join as a ${role}`;
  if (checked.answer.name) document.getElementById("name").value = checked.answer.name;
  form.hidden = false;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  const joined = await send("/api/invites/accept", { code,
    name: document.getElementById("name").value, password: document.getElementById("password").value });
  if (joined.ok) {
    history.replaceState(null, "", "/invite");  // the used code leaves the address bar
    location.assign(joined.answer.role === "manager" ? "/team" : "/");
    return;
  }
  if (joined.status === 404) {
    bad(`${reason(joined.answer)}. Ask your manager for a new link.`);
    return;
  }
  error.textContent = reason(joined.answer);
  error.hidden = false;
});

main();
