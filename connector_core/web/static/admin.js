// The admin page's glue: draws the integration form with the RJSF bundle (forms.js, renderForm) from the
// JSON the server embedded, and saves it as JSON with the page's CSRF token. Nothing is fetched from
// outside this app.
(function () {
  "use strict";
  var dataNode = document.getElementById("form-data");
  if (!dataNode) return;
  var payload = JSON.parse(dataNode.textContent);
  var csrfNode = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfNode ? csrfNode.getAttribute("content") : "";
  var messages = document.getElementById("form-messages");

  function show(lines, ok) {
    messages.textContent = "";
    messages.className = ok ? "notice" : "problem";
    lines.forEach(function (line) {
      var item = document.createElement("p");
      item.textContent = line;
      messages.appendChild(item);
    });
  }

  function save(formData) {
    var body = Object.assign({}, formData, { connector: payload.connector });
    return fetch(payload.save_url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (response.ok) {
          window.location.assign(answer.url + (payload.editing ? "?notice=saved" : "?notice=created"));
          return;
        }
        var lines = (answer.errors || []).map(function (e) {
          return (e.field ? e.field + ": " : "") + e.message;
        });
        show(lines.length ? lines : [answer.message || "Not saved."], false);
      });
    }).catch(function () {
      show(["Not saved: the server could not be reached. Try again."], false);
    });
  }

  var render = window.renderForm || (window.ChannelConnectorsForms && window.ChannelConnectorsForms.renderForm);
  var target = document.getElementById("integration-form");
  if (typeof render !== "function") {
    show(["The form bundle (forms.js) is missing from this installation: reinstall the package."], false);
    return;
  }
  render(target, {
    schema: payload.schema,
    uiSchema: payload.uiSchema,
    formData: payload.formData,
    onSubmit: function (arg) {
      // The bundle may hand over RJSF's event ({formData, ...}) or the data itself.
      var data = arg && typeof arg === "object" && "formData" in arg ? arg.formData : arg;
      return save(data || {});
    },
  });
})();
