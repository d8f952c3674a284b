"""The pages, one module per feature of the guides; `routers()` lists them for the app."""

from fastapi import APIRouter

from web.pages import captcha, home, legal, login, password_reset


def routers() -> list[APIRouter]:
    return [captcha.router, login.router, home.router, legal.router, password_reset.router]
