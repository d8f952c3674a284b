// Progressive enhancement only: every form works without it.
// Password rules ticked as the person types (the server checks them again).
const rules = {
  length: (v) => v.length >= 12,
  classes: (v) => [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(v)).length >= 3,
};
for (const input of document.querySelectorAll("input[type=password]")) {
  const group = document.getElementById(`${input.id}-messages`);
  if (!group || !group.querySelector("[data-password-rule]")) continue;
  input.addEventListener("input", () => {
    for (const message of group.querySelectorAll("[data-password-rule]")) {
      const ok = rules[message.dataset.passwordRule]?.(input.value);
      message.classList.toggle("fr-message--valid", Boolean(ok));
      message.classList.toggle("fr-message--info", !ok);
    }
  });
}

// Enter in a field submits a form by its first button, which in a form with a security code is
// « Afficher un nouveau code »: send the form's own button instead (without JavaScript, Enter
// shows a new image and keeps what was typed).
for (const form of document.querySelectorAll("form")) {
  const refresh = form.querySelector("button[name=action][value=nouveau-code]");
  if (!refresh) continue;
  const buttons = [...form.querySelectorAll("button[type=submit], button:not([type])")].filter((b) => b !== refresh);
  const primary = buttons[buttons.length - 1];
  if (!primary) continue;
  form.addEventListener("keydown", (event) => {
    const field = event.target;
    if (event.key !== "Enter" || !(field instanceof HTMLInputElement) || field.type === "checkbox") return;
    event.preventDefault();
    form.requestSubmit(primary);
  });
}
