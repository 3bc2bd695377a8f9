// Sign-in, and the one-time set-up of the first manager (/setup?code=...).
const params = new URLSearchParams(location.search);
const setupCode = location.pathname === "/setup" ? params.get("code") : null;
const form = document.getElementById("login-form");
const error = document.getElementById("login-error");

if (setupCode !== null) {
  document.getElementById("form-title").textContent = "Create the first manager";
  document.getElementById("tagline").textContent =
    "This one-time link creates the first manager account. Choose a name and a password (8+ characters).";
  document.getElementById("login-submit").textContent = "Create manager";
  document.getElementById("password").autocomplete = "new-password";
  document.getElementById("password").minLength = 8;
}


form.addEventListener("submit", async (event) => {
  event.preventDefault();
  error.hidden = true;
  const body = {
    name: document.getElementById("name").value,
    password: document.getElementById("password").value,
  };
  if (setupCode !== null) body.code = setupCode;
  const response = await fetch(setupCode !== null ? "/api/setup" : "/api/login", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.ok) {
    // signed in, /login sends us on to `next` if the server finds it on this site
    location.assign(setupCode !== null ? "/calls" : `/login${location.search}`);
    return;
  }
  const detail = await response.json().catch(() => ({}));
  error.textContent = typeof detail.detail === "string" ? detail.detail : "That did not work.";
  error.hidden = false;
});
