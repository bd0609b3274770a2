// The forms bundle: renderForm(element, {schema, uiSchema, formData, onSubmit}) draws a connector's credential
// or settings form with react-jsonschema-form (RJSF), validated by ajv exactly as the Python side validates.
// Hosts load it as an ES module: import { renderForm } from ".../forms.js".
import { createElement as h } from "react";
import { createRoot } from "react-dom/client";
import Form from "@rjsf/core";
import { GroupingObjectFieldTemplate } from "./groups.js";
import { CUSTOM_KEYWORDS, createValidator } from "./validator.js";

const validator = createValidator();

export { CUSTOM_KEYWORDS, validator };

/**
 * Render a form into `element` and return {update(options), unmount()}.
 * options: schema (required), uiSchema, formData, onSubmit(formData) called with valid data only,
 * onError(errors) called when a submission is refused, onChange(formData), submitLabel.
 */
export function renderForm(element, options) {
  if (!element || !options || !options.schema) {
    throw new TypeError("renderForm(element, {schema, uiSchema, formData, onSubmit}) needs an element and a schema");
  }
  const root = createRoot(element);
  let current = options;
  const draw = () => {
    const { schema, uiSchema = {}, formData, onSubmit, onError, onChange, submitLabel } = current;
    const submitUi = submitLabel ? { "ui:submitButtonOptions": { submitText: submitLabel } } : {};
    root.render(
      h(Form, {
        schema,
        uiSchema: { ...uiSchema, ...submitUi },
        formData,
        validator,
        templates: { ObjectFieldTemplate: GroupingObjectFieldTemplate },
        showErrorList: "top",
        noHtml5Validate: true, // one set of messages: ajv's, the same words the Python side gives
        onSubmit: ({ formData: submitted }) => onSubmit && onSubmit(submitted),
        onError: (errors) => onError && onError(errors),
        onChange: ({ formData: changed }) => onChange && onChange(changed),
      }),
    );
  };
  draw();
  return {
    update(next) {
      current = { ...current, ...next };
      draw();
    },
    unmount() {
      root.unmount();
    },
  };
}
