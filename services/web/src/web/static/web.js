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
