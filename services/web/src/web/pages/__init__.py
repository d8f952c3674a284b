"""The pages, one module or package per feature of the guides; `routers()` lists them for the app."""

from fastapi import APIRouter

from web.pages import (
    access,
    account,
    agent,
    captcha,
    home,
    invitations,
    legal,
    login,
    management,
    password_reset,
    sign_in,
    sign_up,
)
from web.pages.second_factor import routes as second_factor


def routers() -> list[APIRouter]:
    return [
        captcha.router,
        login.router,
        home.router,
        legal.router,
        password_reset.router,
        sign_up.router,
        account.router,
        second_factor.router,
        access.router,
        agent.router,
        management.router,
        invitations.router,
        sign_in.router,
    ]
