"""The 6-digit codes e-mailed at sign-up and for a password reset."""


def is_six_digit_code(code: str) -> bool:
    """Exactly six ASCII digits (« ١٢٣٤٥٦ » is digits to Python, not to a person reading an e-mail)."""
    return len(code) == 6 and code.isascii() and code.isdigit()
