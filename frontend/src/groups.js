// Fields whose uiSchema says {"ui:options": {"group": "Some title"}} are drawn together inside a
// <details> element with that title, after the other fields. Stock RJSF ignores the option and simply
// shows the fields where ui:order puts them (last), so a host without this bundle still gets a sane form.
import { createElement as h, useEffect, useState } from "react";
import { getDefaultRegistry } from "@rjsf/core";

const DefaultObjectFieldTemplate = getDefaultRegistry().templates.ObjectFieldTemplate;

function groupOf(uiSchema, name) {
  const options = uiSchema && uiSchema[name] && uiSchema[name]["ui:options"];
  return options && typeof options.group === "string" ? options.group : null;
}

function hasContent(value) {
  return value !== undefined && value !== null && value !== "";
}

function Group({ title, mustShow, children }) {
  const [open, setOpen] = useState(mustShow);
  // A field in the group got a value or an error: show it, or the seller cannot see what to fix.
  useEffect(() => {
    if (mustShow) setOpen(true);
  }, [mustShow]);
  return h(
    "details",
    { className: "cc-group", open, onToggle: (event) => setOpen(event.currentTarget.open) },
    h("summary", null, title),
    children,
  );
}

export function GroupingObjectFieldTemplate(props) {
  const { properties, uiSchema, formData, errorSchema } = props;
  const members = new Map();
  const arranged = [];
  for (const property of properties) {
    const group = property.hidden ? null : groupOf(uiSchema, property.name);
    if (!group) {
      arranged.push(property);
      continue;
    }
    if (!members.has(group)) {
      members.set(group, []);
      arranged.push({ name: `group:${group}`, group, hidden: false });
    }
    members.get(group).push(property);
  }
  if (members.size === 0) return h(DefaultObjectFieldTemplate, props);
  const withGroups = arranged.map((entry) => {
    if (!entry.group) return entry;
    const inside = members.get(entry.group);
    const mustShow = inside.some(
      (p) => hasContent(formData && formData[p.name]) || Boolean(errorSchema && errorSchema[p.name]),
    );
    const content = h(
      Group,
      { key: entry.name, title: entry.group, mustShow },
      inside.map((p) => p.content),
    );
    return { name: entry.name, hidden: false, content };
  });
  return h(DefaultObjectFieldTemplate, { ...props, properties: withGroups });
}
