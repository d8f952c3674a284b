// Passkeys (WebAuthn) on the second-factor pages, as progressive enhancement: without WebAuthn the
// passkey parts stay hidden and the code fields work alone. The browser's credential goes into the
// form's hidden `credential` field and the form is posted as any other (the server shows errors).
const supported =
  window.PublicKeyCredential &&
  typeof PublicKeyCredential.parseRequestOptionsFromJSON === "function" &&
  typeof PublicKeyCredential.parseCreationOptionsFromJSON === "function";

for (const part of document.querySelectorAll("[data-passkey]")) part.hidden = !supported;
for (const note of document.querySelectorAll("[data-passkey-unsupported]")) note.hidden = Boolean(supported);

function say(form, text) {
  const group = form.querySelector("#passkey-messages");
  group.replaceChildren();
  if (!text) return;
  const message = document.createElement("p");
  message.className = "fr-message fr-message--error";
  message.id = "passkey-erreur";
  message.textContent = text;
  group.append(message);
}

// The options from our own route (which asks the gateway), with this page's CSRF token.
async function optionsFor(form, url) {
  const answer = await fetch(url, {
    method: "POST",
    headers: { "X-CSRF-Token": form.elements.csrf_token.value, Accept: "application/json" },
    credentials: "same-origin",
  });
  const body = await answer.json().catch(() => ({}));
  if (body.location) {
    window.location.assign(body.location); // log in again, or confirm one's identity first
    return null;
  }
  if (!answer.ok || !body.options) throw new Error(body.detail || "");
  return body.options;
}

async function run(form, button) {
  const login = form.dataset.passkeyLogin;
  const name = form.elements.name;
  if (!login && name && !name.value.trim()) {
    say(form, "Donnez d’abord un nom à cette clé d’accès.");
    name.focus();
    return;
  }
  button.disabled = true;
  say(form, "");
  try {
    const options = await optionsFor(form, login || form.dataset.passkeyRegister);
    if (!options) return;
    const credential = login
      ? await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) })
      : await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) });
    form.elements.credential.value = JSON.stringify(credential.toJSON());
    form.submit();
  } catch (error) {
    const cancelled = error instanceof DOMException && error.name === "NotAllowedError";
    say(
      form,
      cancelled
        ? "L’opération a été annulée ou a expiré. Réessayez quand vous voulez."
        : error.message || "La clé d’accès n’a pas pu être utilisée. Réessayez, ou utilisez un code.",
    );
    button.disabled = false;
    button.focus();
  }
}

if (supported) {
  for (const form of document.querySelectorAll("form[data-passkey-login], form[data-passkey-register]")) {
    const button = form.querySelector("[data-passkey-start]");
    button.addEventListener("click", () => run(form, button));
    // Enter in the name field starts the passkey too, rather than posting an empty credential.
    form.addEventListener("submit", (event) => {
      if (!form.elements.credential.value) {
        event.preventDefault();
        run(form, button);
      }
    });
  }
}
