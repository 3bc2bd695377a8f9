// The bar over the signed-in pages (web/bar.html, put in by server/http/pages.py): who is
// signed in, their own scores, the managers' pages, sign out.
export function showBar(me) {
  const $ = (id) => document.getElementById(id);
  $("who-am-i").textContent = `${me.name} (${me.role})`;
  $("my-trend").href = `/reps/${me.id}`;
  $("my-trend").hidden = false;
  $("team-link").hidden = me.role !== "manager";
  $("scenarios-link").hidden = me.role !== "manager";
  $("logout").addEventListener("click", async () => {
    await fetch("/api/logout", { method: "POST" });
    location.assign("/login");
  });
}
