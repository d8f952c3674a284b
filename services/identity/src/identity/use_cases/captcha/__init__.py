"""Captchas: made, shown (image or voice), solved once."""
