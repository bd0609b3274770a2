// The example host's page: everything goes through the host's own /backend (which adds the token on the
// server). The forms come from the API exactly as the forms bundle's renderForm takes them.
import { renderForm } from "/static/forms.js";

const STATES = {
  connected: "Connected",
  not_connected: "Not connected yet",
  needs_reauthorization: "Needs re-authorization",
  failing: "Failing",
};

async function call(method, path, body) {
  const response = await fetch(`/backend/${path}`, {
    method,
    headers: { "Content-Type": "application/json", "X-Host-User": "demo" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? {} : await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

function say(text) {
  document.getElementById("message").textContent = text;
}

async function refresh() {
  const { ok, data } = await call("GET", "connections?limit=50");
  if (!ok) return say(data.message || "The connections could not be loaded.");
  const body = document.querySelector("#connections tbody");
  body.textContent = "";
  for (const item of data.items) {
    const row = body.insertRow();
    row.dataset.connection = item.id;
    row.insertCell().textContent = item.name;
    const badge = document.createElement("span");
    badge.className = `state ${item.state}`;
    badge.textContent = STATES[item.state] || item.state;
    row.insertCell().appendChild(badge);
    row.insertCell().textContent = item.shops.map((s) => s.name || s.id).join(", ") || "none";
    const connect = document.createElement("button");
    connect.textContent = item.state === "connected" ? "Re-connect" : "Connect";
    connect.addEventListener("click", async () => {
      // After the consent page the seller comes back here, with ?outcome=...&connection=...
      const started = await call("POST", `connections/${item.id}/connect`, {
        return_to: `${window.location.origin}/`,
      });
      if (started.ok) window.location.assign(started.data.consent_url);
      else say(started.data.message);
    });
    row.insertCell().appendChild(connect);
  }
  document.getElementById("connections").hidden = data.items.length === 0;
  document.getElementById("empty").hidden = data.items.length !== 0;
  document.body.dataset.loaded = "true";
}

async function openEditor() {
  const { ok, data } = await call("GET", "connectors/tiktok_shop/forms");
  if (!ok) return say(data.message);
  document.getElementById("editor").hidden = false;
  const latest = { settings: data.settings.formData };
  const errors = document.getElementById("errors");
  renderForm(document.getElementById("settings"), {
    ...data.settings,
    submitLabel: "Keep these settings",
    onChange: (values) => (latest.settings = values || {}),
    onSubmit: (values) => (latest.settings = values || {}),
  });
  renderForm(document.getElementById("credentials"), {
    ...data.credentials,
    submitLabel: "Save connection",
    onSubmit: async (values) => {
      const name = document.getElementById("name").value;
      const saved = await call("POST", "connections", {
        connector: data.connector, name, credentials: values, settings: latest.settings,
      });
      errors.textContent = "";
      if (!saved.ok) {
        for (const e of saved.data.errors || [{ name: "", message: saved.data.message }]) {
          const line = document.createElement("p");
          line.textContent = (e.name ? `${e.name}: ` : "") + e.message;
          errors.appendChild(line);
        }
        return;
      }
      document.getElementById("editor").hidden = true;
      say(`${saved.data.name} saved. Press Connect to authorize it.`);
      await refresh();
    },
  });
  document.body.dataset.formsReady = "true";
}

const OUTCOMES = {
  connected: "Your TikTok Shop is connected.",
  declined: "The authorization was not approved; nothing was connected.",
  failed: "TikTok Shop did not accept the authorization; try Connect again.",
  expired: "That authorization had expired; press Connect to start again.",
  invalid: "That link did not work; press Connect to start again.",
};
const outcome = new URLSearchParams(window.location.search).get("outcome");
if (OUTCOMES[outcome]) say(OUTCOMES[outcome]);

document.getElementById("new").addEventListener("click", openEditor);
refresh();
