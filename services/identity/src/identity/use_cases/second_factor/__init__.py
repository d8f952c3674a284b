"""The second factor: enrolment from « Mon compte » (TOTP, passkeys, recovery codes), the second step, step-up."""
