// The admin page's glue (an ES module): draws the credential and settings forms with the RJSF bundle
// (forms.js, renderForm) from the JSON the server embedded, and saves both as JSON with the page's CSRF
// token. Each form validates itself in the browser; the server validates everything again and names the
// fields to fix. Nothing is fetched from outside this app.
import { renderForm } from "./forms.js";

// Copy buttons: the value is in data-copy; the button says "Copied" for a moment.
for (const button of document.querySelectorAll("button[data-copy]")) {
  button.addEventListener("click", async () => {
    const label = button.textContent;
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      button.textContent = "Copied";
    } catch (error) {
      button.textContent = "Select and copy";
    }
    setTimeout(() => (button.textContent = label), 1500);
  });
}

// A field's title from the form's schema, so a message says "App secret", not "app_secret".
const titleOf = (payload, field) => {
  const [section, name] = field.startsWith("settings.")
    ? ["settings", field.slice("settings.".length)]
    : ["credentials", field];
  const props = (payload[section] && payload[section].schema.properties) || {};
  return (props[name] && props[name].title) || name.replace(/_/g, " ");
};

const dataNode = document.getElementById("form-data");
if (dataNode) {
  const payload = JSON.parse(dataNode.textContent);
  const csrfNode = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfNode ? csrfNode.getAttribute("content") : "";
  const messages = document.getElementById("form-messages");
  const nameInput = document.getElementById("integration-name");
  const latest = {
    credentials: payload.credentials.formData || {},
    settings: payload.settings.formData || {},
  };
  nameInput.value = payload.name || "";

  const show = (lines, ok) => {
    messages.textContent = "";
    messages.className = ok ? "notice" : "problem";
    for (const line of lines) {
      const item = document.createElement("p");
      item.textContent = line;
      messages.appendChild(item);
    }
  };

  const save = async () => {
    const body = {
      connector: payload.connector,
      name: nameInput.value,
      credentials: latest.credentials,
      settings: latest.settings,
    };
    let response;
    try {
      response = await fetch(payload.save_url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body),
      });
    } catch (error) {
      show(["Not saved: the server could not be reached. Try again."], false);
      return;
    }
    const answer = await response.json().catch(() => ({}));
    if (response.ok) {
      window.location.assign(answer.url + (payload.editing ? "?notice=saved" : "?notice=created"));
      return;
    }
    const lines = (answer.errors || []).map((e) => (e.field ? `${titleOf(payload, e.field)}: ` : "") + e.message);
    show(lines.length ? ["Not saved. Please correct:", ...lines] : [answer.message || "Not saved."], false);
  };

  const draw = (section, element, submitLabel) =>
    renderForm(element, {
      schema: payload[section].schema,
      uiSchema: payload[section].uiSchema,
      formData: payload[section].formData,
      submitLabel,
      onChange: (data) => {
        latest[section] = data || {};
      },
      onSubmit: (data) => {
        latest[section] = data || {};
        return save();
      },
      onError: () => show(["Not saved: correct the fields marked in the form."], false),
    });

  draw("credentials", document.getElementById("credentials-form"), payload.editing ? "Save" : "Create");
  draw("settings", document.getElementById("settings-form"), payload.editing ? "Save settings" : "Create");
  document.body.dataset.formsReady = "true";
}

// The Import page: the file goes as it is (its bytes, not a multipart form) with the page's CSRF token, and
// the server's one-line answer is shown under the form. The answer never holds a token.
const importForm = document.getElementById("import-form");
if (importForm) {
  const csrfNode = document.querySelector('meta[name="csrf-token"]');
  const csrf = csrfNode ? csrfNode.getAttribute("content") : "";
  const messages = document.getElementById("import-messages");
  const button = importForm.querySelector('button[type="submit"]');
  const show = (text, ok) => {
    messages.className = ok ? "notice" : "problem";
    messages.textContent = text;
  };
  importForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const file = importForm.elements.file.files[0];
    if (!file) {
      show("Choose a file first.", false);
      return;
    }
    const query = new URLSearchParams({
      app: importForm.elements.app.value,
      filename: file.name,
      dry_run: importForm.elements.dry_run.checked ? "1" : "",
    });
    button.disabled = true;
    show(`Reading ${file.name} ...`, true);
    try {
      const response = await fetch(`${importForm.dataset.action}?${query}`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/octet-stream", "X-CSRF-Token": csrf },
        body: file,
      });
      const answer = await response.json().catch(() => ({}));
      show(answer.message || `Not imported (HTTP ${response.status}).`, response.ok && answer.ok);
    } catch (error) {
      show("Not imported: the server could not be reached. Try again.", false);
    } finally {
      button.disabled = false;
    }
  });
}
